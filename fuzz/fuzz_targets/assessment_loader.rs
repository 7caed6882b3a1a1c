//! Assessment loader: arbitrary bytes -> `store::parse_assessment`.
//!
//! Properties:
//! * never panics, whatever the bytes (errors must format);
//! * on Ok, `serde_json::to_string` of the assessment parses again, to an equal assessment;
//! * on Ok, the read-only queries the UI makes on a loaded file do not panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use zwgk::store::parse_assessment;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.json");
    let assessment = match parse_assessment(path, data) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let _ = assessment.conflict_count();
    let json = serde_json::to_string(&assessment).expect("a loaded assessment must serialize");
    match parse_assessment(path, json.as_bytes()) {
        Ok(again) => assert_eq!(
            again, assessment,
            "round trip changed the assessment:\n{json}"
        ),
        Err(e) => panic!("serialized assessment no longer parses: {e}\n{json}"),
    }
});
