//! The trust-store text format: `firmware::parse_trust_store` (and `TrustStoreEntry::parse_line`
//! under it), as the CLI and the WASM package read `--trust-store` files.
//!
//! Input: any bytes; non-UTF-8 input is skipped (the callers read the file as UTF-8 first).
//!
//! Invariants: no panic; an accepted store written back line by line (`to_line`) parses to the
//! same entries; a rejection names a line of the input (1-based).
#![no_main]

use libfuzzer_sys::fuzz_target;
use pqhybrid::firmware::parse_trust_store;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return;
    };
    match parse_trust_store(text) {
        Ok(entries) => {
            let written: String = entries.iter().map(|e| e.to_line() + "\n").collect();
            let reread = parse_trust_store(&written);
            assert_eq!(reread.as_ref(), Ok(&entries), "{written:?}");
        }
        Err(e) => {
            assert!(e.line >= 1 && e.line <= text.lines().count(), "{e:?}");
        }
    }
});
