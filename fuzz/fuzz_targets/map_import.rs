#![no_main]
// osmpbf panics on some hostile maps (an overflow in its coordinate arithmetic with overflow
// checks on); import_pbf catches that and reports a damaged map, as the app does.
libfuzzer_sys::fuzz_target!(
    init: waymark_fuzz::tolerate_caught_dependency_panics(),
    |data: &[u8]| waymark_core::fuzzing::map_import(data)
);
