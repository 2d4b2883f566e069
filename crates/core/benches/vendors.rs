//! Per vendor: the full path (verify + parse + normalize) of a ~1 KB callback, beside the
//! bare primitives on the same bytes (the scheme's hash alone; serde_json parse into a
//! `Value` and serialize back). `scripts/bench-core.sh` turns the results into the ratio
//! recorded in docs/benchmarks.md.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use mediahook_core::verify::{sign_callback, verify_callback, Request, SourceKey};
use mediahook_core::Vendor;
use serde_json::{json, Value};
use sha2::Sha256;

const NOW_MS: i64 = 1_732_269_700_000;
const URL: &str = "https://edge.example.com/v1/hooks/baidu-prod";

/// A realistic body of about 1 KB for each vendor.
fn body(vendor: Vendor) -> Vec<u8> {
    let pad = "x".repeat(400);
    let v = match vendor {
        Vendor::TencentVod => {
            json!({"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"5285890784273533167",
            "MediaBasicInfo":{"Name":"Animal World","Description":pad,"CreateTime":"2019-01-09T16:36:22Z",
            "UpdateTime":"2019-01-09T16:36:24Z","ExpireTime":"9999-12-31T23:59:59Z","ClassId":0,"ClassName":"Other",
            "ClassPath":"Other","CoverUrl":"","Type":"mp4","MediaUrl":"http://125676836723.vod2.myqcloud.com/xxx/xxx/q1BORBPQH1IA.mp4",
            "TagSet":["a","b"],"StorageRegion":"ap-guangzhou-2","SourceInfo":{"SourceType":"Upload","SourceContext":""},
            "Vid":"5285890784273533167"},"ProcedureTaskId":""}})
        }
        Vendor::BaiduVod => {
            json!({"eventId":"evt-9f3c2a","eventType":"MEDIA_UPLOAD_COMPLETE","eventTime":"2024-11-11T09:27:42Z",
            "mediaUploadCompleteEvent":{"mediaId":"mda-abc123","name":"demo","mediaType":"video","description":pad,
            "createTime":"2024-11-11T09:27:40Z","source":{"type":"upload","url":"https://bj.bcebos.com/v1/bucket/object.mp4"},
            "meta":{"sizeInBytes":104857600,"durationInSeconds":120,"width":1920,"height":1080,"codec":"h264"},"tags":["a","b","c"]}})
        }
        _ => {
            json!({"vhost":"push.live.example.com","domain":"push.live.example.com","app":"example_app",
            "stream":"s1","event_type":"push_start","time":1732269400,"time_ms":1732269400123u64,"session_id":"sess-1",
            "sequence_id":"seq-1","fp_client_ip":"203.0.113.7","params":pad,"client_info":{"ua":"obs/29.1","proto":"rtmp",
            "audio":{"codec":"aac","rate":44100},"video":{"codec":"h264","fps":30,"width":1280,"height":720}}})
        }
    };
    v.to_string().into_bytes()
}

fn bench_vendor(c: &mut Criterion, vendor: Vendor) {
    let key = SourceKey::new("Hk3pQ9zLmW2xR7tY").with_callback_url(URL);
    let signed = sign_callback(
        vendor,
        &key,
        &body(vendor),
        NOW_MS,
        "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        600,
    )
    .unwrap();
    let headers: Vec<(&str, &str)> = signed
        .headers
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let bytes = signed.body.clone();
    let mut g = c.benchmark_group(vendor.as_str());
    g.throughput(criterion::Throughput::Bytes(bytes.len() as u64));

    g.bench_function("full", |b| {
        b.iter(|| {
            let req = Request::new(black_box(&bytes)).with_headers(&headers);
            let cb = verify_callback(vendor, &key, &req, NOW_MS).unwrap();
            black_box(cb.normalize("bench", NOW_MS))
        })
    });
    g.bench_function("parse_serialize", |b| {
        b.iter(|| {
            let v: Value = serde_json::from_slice(black_box(&bytes)).unwrap();
            black_box(serde_json::to_vec(&v).unwrap())
        })
    });
    let t = (NOW_MS / 1000 + 600).to_string();
    match vendor {
        Vendor::BaiduVod => {
            let ts = NOW_MS.to_string();
            g.bench_function("hash", |b| {
                b.iter(|| {
                    let mut m = Hmac::<Sha256>::new_from_slice(b"Hk3pQ9zLmW2xR7tY").unwrap();
                    for p in [
                        b"POST;".as_slice(),
                        URL.as_bytes(),
                        b";",
                        black_box(&bytes),
                        b";",
                        ts.as_bytes(),
                        b";",
                        b"a1b2c3d4e5f60718293a4b5c6d7e8f90",
                    ] {
                        m.update(p);
                    }
                    black_box(m.finalize().into_bytes())
                })
            });
        }
        _ => {
            g.bench_function("hash", |b| {
                b.iter(|| {
                    let mut h = Md5::new();
                    h.update(black_box(b"Hk3pQ9zLmW2xR7tY"));
                    h.update(black_box(t.as_bytes()));
                    black_box(h.finalize())
                })
            });
        }
    }
    g.finish();
}

fn vendors(c: &mut Criterion) {
    for vendor in Vendor::ALL {
        bench_vendor(c, vendor);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(60).measurement_time(std::time::Duration::from_secs(3))
        .warm_up_time(std::time::Duration::from_secs(1));
    targets = vendors
}
criterion_main!(benches);
