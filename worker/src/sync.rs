//! Single-threaded async primitives for a Durable Object (one isolate thread: `Cell`s and
//! `RefCell`s, no locks): a broadcast [`Notify`] and a counting [`Semaphore`].

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

/// Wakes every waiter registered before [`Notify::notify_all`].
#[derive(Default)]
pub struct Notify {
    generation: Cell<u64>,
    wakers: RefCell<Vec<Waker>>,
}

impl Notify {
    /// Wakes all current waiters.
    pub fn notify_all(&self) {
        self.generation.set(self.generation.get().wrapping_add(1));
        for w in self.wakers.borrow_mut().drain(..) {
            w.wake();
        }
    }

    /// Completes at the next [`Notify::notify_all`].
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            seen: self.generation.get(),
        }
    }
}

/// Future of [`Notify::notified`].
pub struct Notified<'a> {
    notify: &'a Notify,
    seen: u64,
}

impl Future for Notified<'_> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.notify.generation.get() != self.seen {
            Poll::Ready(())
        } else {
            self.notify.wakers.borrow_mut().push(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// A counting semaphore (first come, first served).
pub struct Semaphore {
    permits: Cell<usize>,
    waiters: RefCell<VecDeque<Waker>>,
}

impl Semaphore {
    /// A semaphore with `n` permits.
    pub fn new(n: usize) -> Semaphore {
        Semaphore {
            permits: Cell::new(n),
            waiters: RefCell::new(VecDeque::new()),
        }
    }

    /// Waits for a permit; it is given back when the guard is dropped.
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire { sem: self }
    }
}

/// Future of [`Semaphore::acquire`].
pub struct Acquire<'a> {
    sem: &'a Semaphore,
}

impl<'a> Future for Acquire<'a> {
    type Output = Permit<'a>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit<'a>> {
        let n = self.sem.permits.get();
        if n > 0 {
            self.sem.permits.set(n - 1);
            Poll::Ready(Permit { sem: self.sem })
        } else {
            self.sem.waiters.borrow_mut().push_back(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// A held permit.
pub struct Permit<'a> {
    sem: &'a Semaphore,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.sem.permits.set(self.sem.permits.get() + 1);
        if let Some(w) = self.sem.waiters.borrow_mut().pop_front() {
            w.wake();
        }
    }
}
