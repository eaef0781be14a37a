//! The workspace's `uniffi-bindgen`, pinned to the same uniffi as the
//! library so generated code and scaffolding always match:
//! `cargo run -p uniffi-bindgen -- generate --library <lib> --language kotlin --out-dir <dir>`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
