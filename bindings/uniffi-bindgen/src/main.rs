//! `uniffi-bindgen generate --library target/debug/libwaymark_ffi.so --language kotlin ...`
fn main() {
    uniffi::uniffi_bindgen_main()
}
