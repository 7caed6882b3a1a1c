//! Bad assessment files: every `NAME.json` in `tests/bad_inputs/assessment/` must fail to load
//! with exactly the message in `NAME.expected` (file name first, then what is wrong), and the
//! file must be left as it was.
//!
//! After a deliberate change of a message: `ZWGK_BLESS=1 cargo test --test bad_assessments`,
//! then read every changed `.expected` file before committing it.

use std::fs;
use std::path::Path;

use zwgk::store::{MAX_ASSESSMENT_BYTES, Store, StoreError, load_assessment};

const DIR: &str = "tests/bad_inputs/assessment";

#[test]
fn every_bad_assessment_gives_its_exact_message() {
    let bless = std::env::var_os("ZWGK_BLESS").is_some();
    let mut seen = 0;
    let mut paths: Vec<_> = fs::read_dir(DIR)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
    {
        seen += 1;
        let before = fs::read(path).unwrap();
        let label = Path::new(DIR).join(path.file_name().unwrap());
        let err = load_assessment(&label).expect_err(&format!("{} must not load", label.display()));
        let text = format!("{err}\n");
        assert!(!text.contains('\u{1b}'));
        let expected_path = path.with_extension("expected");
        if bless {
            fs::write(&expected_path, &text).unwrap();
        }
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no {}", path.display(), expected_path.display()));
        assert_eq!(text, expected, "message for {}", path.display());
        assert!(
            text.starts_with(&label.display().to_string()),
            "the message names the file: {text}"
        );
        assert_eq!(
            fs::read(path).unwrap(),
            before,
            "loading must not change the file"
        );
    }
    assert!(seen >= 14, "only {seen} bad assessment files");
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let f = fs::File::create(&path).unwrap();
    // Sparse: no disk is used, but the size is over the limit.
    f.set_len(MAX_ASSESSMENT_BYTES + 1).unwrap();
    let err = load_assessment(&path).unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("huge.json"), "{err}");
}

#[test]
fn the_start_listing_shows_bad_files_next_to_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path(), "t").unwrap();
    for name in ["truncated", "newer-version"] {
        fs::copy(
            Path::new(DIR).join(format!("{name}.json")),
            dir.path().join(format!("assessments/{name}.json")),
        )
        .unwrap();
    }
    let listed = store.list().unwrap();
    assert_eq!(listed.len(), 2);
    for (path, loaded) in &listed {
        let err = loaded
            .as_ref()
            .expect_err("bad files are listed with their error");
        assert!(
            err.to_string().contains(&path.display().to_string()),
            "{err}"
        );
    }
}
