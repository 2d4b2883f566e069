//! Makes the shared signature vectors available to the wasm tests at compile time.
//!
//! A browser cannot read files at run time, so `tests/vectors.rs` embeds every
//! `shared/vectors/*.json` with `include_str!`. This script copies the folder
//! (`$MEDIAHOOK_VECTORS`, else `../../testdata/vectors` relative to this crate) into
//! `$OUT_DIR/vectors` and exports its path as `MEDIAHOOK_VECTORS_DIR`.
//!
//! The library itself does not need the vectors: when the folder is missing the build
//! goes on with a warning, and only the tests fail to compile, naming the folder.

use std::path::PathBuf;
use std::{env, fs};

fn main() {
    println!("cargo:rerun-if-env-changed=MEDIAHOOK_VECTORS");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let src = match env::var_os("MEDIAHOOK_VECTORS") {
        Some(p) => PathBuf::from(p),
        None => manifest.join("../../testdata/vectors"),
    };
    println!("cargo:rerun-if-changed={}", src.display());
    let Ok(entries) = fs::read_dir(&src) else {
        println!(
            "cargo:warning=shared vectors folder {} not found (set MEDIAHOOK_VECTORS); the wasm vector tests cannot be built",
            src.display()
        );
        return;
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR")).join("vectors");
    fs::create_dir_all(&out).expect("create OUT_DIR/vectors");
    let mut copied = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            println!("cargo:rerun-if-changed={}", path.display());
            fs::copy(&path, out.join(entry.file_name())).expect("copy a vector file");
            copied += 1;
        }
    }
    if copied == 0 {
        println!(
            "cargo:warning=no *.json in {}; the wasm vector tests cannot be built",
            src.display()
        );
        return;
    }
    println!("cargo:rustc-env=MEDIAHOOK_VECTORS_DIR={}", out.display());
}
