//! Arbitrary bodies parsed, typed and normalized for every vendor.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mediahook_core::verify::parse_callback;
use mediahook_core::{baidu, tencent, volcengine, Vendor};

fuzz_target!(|data: &[u8]| {
    for vendor in Vendor::ALL {
        if let Ok(cb) = parse_callback(vendor, data) {
            match vendor {
                Vendor::TencentVod => drop(tencent::event::TencentEvent::from_object(cb.object())),
                Vendor::BaiduVod => drop(baidu::event::BaiduEvent::from_object(cb.object())),
                Vendor::VolcengineLive | Vendor::BytePlusLive => {
                    drop(volcengine::event::VolcengineEvent::from_object(cb.object()))
                }
                #[allow(unreachable_patterns)]
                _ => {}
            }
            let n = cb.normalize("fuzz", 0);
            let _ = n.to_json();
        }
    }
});
