//! Single-threaded async primitives for a Durable Object (one isolate thread: `Cell`s and
//! `RefCell`s, no locks): a broadcast [`Notify`] and a counting [`Semaphore`].

use std::cell::{Cell, RefCell};
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
            // Registered once per task: a waiter polled again (inside a `select`, every time
            // its other branch wakes) must not pile up copies of its waker.
            let mut wakers = self.notify.wakers.borrow_mut();
            if !wakers.iter().any(|w| w.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
            }
            Poll::Pending
        }
    }
}

/// A counting semaphore. A released permit wakes every waiter (there are few; each polls
/// again and one takes it), so a wake-up can never be spent on a waiter that is gone or
/// already served.
pub struct Semaphore {
    permits: Cell<usize>,
    waiters: RefCell<Vec<Waker>>,
}

impl Semaphore {
    /// A semaphore with `n` permits.
    pub fn new(n: usize) -> Semaphore {
        Semaphore {
            permits: Cell::new(n),
            waiters: RefCell::new(Vec::new()),
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
            let mut waiters = self.sem.waiters.borrow_mut();
            if !waiters.iter().any(|w| w.will_wake(cx.waker())) {
                waiters.push(cx.waker().clone());
            }
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
        let waiters = std::mem::take(&mut *self.sem.waiters.borrow_mut());
        for w in waiters {
            w.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    /// Counts its wake-ups.
    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn a_waiter_polled_again_registers_once_and_is_woken_once() {
        let notify = Notify::default();
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let mut waiter = Box::pin(notify.notified());
        for _ in 0..5 {
            assert!(waiter.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!(notify.wakers.borrow().len(), 1);
        notify.notify_all();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert!(waiter.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn a_released_permit_reaches_a_waiter_even_after_a_stale_registration() {
        let sem = Semaphore::new(1);
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        let mut cx = Context::from_waker(&waker);
        let held = Box::pin(sem.acquire()).as_mut().poll(&mut cx);
        let Poll::Ready(held) = held else {
            panic!("the first acquire gets the permit")
        };
        // A waiter polled twice registers once; a second waiter too.
        let mut a = Box::pin(sem.acquire());
        assert!(a.as_mut().poll(&mut cx).is_pending());
        assert!(a.as_mut().poll(&mut cx).is_pending());
        let other = Arc::new(Count(AtomicUsize::new(0)));
        let other_waker = Waker::from(other.clone());
        let mut b = Box::pin(sem.acquire());
        assert!(b
            .as_mut()
            .poll(&mut Context::from_waker(&other_waker))
            .is_pending());
        assert_eq!(sem.waiters.borrow().len(), 2);
        // `a` goes away without being served; the release still reaches `b`.
        drop(a);
        drop(held);
        assert_eq!(other.0.load(Ordering::SeqCst), 1);
        assert!(b
            .as_mut()
            .poll(&mut Context::from_waker(&other_waker))
            .is_ready());
    }

    #[test]
    fn two_waiters_are_both_woken() {
        let notify = Notify::default();
        let (a, b) = (
            Arc::new(Count(AtomicUsize::new(0))),
            Arc::new(Count(AtomicUsize::new(0))),
        );
        let (wa, wb) = (Waker::from(a.clone()), Waker::from(b.clone()));
        let mut first = Box::pin(notify.notified());
        let mut second = Box::pin(notify.notified());
        assert!(first
            .as_mut()
            .poll(&mut Context::from_waker(&wa))
            .is_pending());
        assert!(second
            .as_mut()
            .poll(&mut Context::from_waker(&wb))
            .is_pending());
        notify.notify_all();
        assert_eq!(
            (a.0.load(Ordering::SeqCst), b.0.load(Ordering::SeqCst)),
            (1, 1)
        );
    }
}
