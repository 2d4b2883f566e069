//! mediahook for Node and the browser (wasm-bindgen). Filled by the npm-package work.
