//! Catalogue loader: arbitrary bytes -> `validate_catalogue`.
//!
//! Properties:
//! * never panics, whatever the bytes (errors are reported as `Problem`s, which must format);
//! * on Ok, every item's `fingerprint()` is 64 lower-case hex digits and deterministic;
//! * on Ok, `serde_json::to_string` of the catalogue validates again, to an equal catalogue
//!   (so equal fingerprints too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zwgk::model::validate::validate_catalogue;

fuzz_target!(|data: &[u8]| {
    let catalogue = match validate_catalogue("fuzz.json", data) {
        Ok(c) => c,
        Err(problems) => {
            assert!(!problems.is_empty(), "Err with no problem listed");
            for p in &problems {
                let _ = p.to_string();
            }
            return;
        }
    };
    for item in &catalogue.items {
        let fp = item.fingerprint();
        assert_eq!(
            fp.0.len(),
            64,
            "fingerprint {:?} of item {:?}",
            fp.0,
            item.id
        );
        assert!(
            fp.0.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "fingerprint {:?} is not lower-case hex",
            fp.0
        );
        assert_eq!(fp, item.fingerprint(), "fingerprint not deterministic");
    }
    let json = serde_json::to_string(&catalogue).expect("a valid catalogue must serialize");
    match validate_catalogue("fuzz.json", json.as_bytes()) {
        Ok(again) => assert_eq!(
            again, catalogue,
            "round trip changed the catalogue:\n{json}"
        ),
        Err(problems) => {
            let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!("serialized catalogue no longer validates: {text:#?}\n{json}");
        }
    }
});
