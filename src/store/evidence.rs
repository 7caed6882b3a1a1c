//! Evidence files (佐证材料: photos of a notice board, screenshots, scans) kept in the data
//! directory under their SHA-256, so they travel with every hand-over and arrive intact.
//!
//! ```text
//! <data dir>/evidence/<sha256>     the file's bytes, named by their SHA-256
//! ```
//!
//! A file is copied in once, whatever its name or how often it is cited; a copy that does not
//! hash to its name is never kept.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::cli::Lang;
use crate::model::assessment::Evidence;

/// Largest evidence file taken in (bytes): a phone photo or a scanned page is a few MB.
pub const MAX_EVIDENCE_BYTES: u64 = 50 * 1024 * 1024;

/// Why a file could not be taken in as evidence.
#[derive(Debug, Error)]
pub enum EvidenceError {
    #[error("{path}: no such file")]
    Missing { path: PathBuf },
    #[error("{path}: not a regular file")]
    NotAFile { path: PathBuf },
    #[error("{path}: {size} bytes, more than the {limit} bytes an evidence file may have")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("evidence {sha256}: the bytes do not hash to their name; the copy is damaged")]
    Damaged { sha256: String },
    #[error("evidence {sha256}: not a SHA-256")]
    BadName { sha256: String },
}

impl EvidenceError {
    /// The message in the interface's language.
    pub fn message(&self, lang: Lang) -> String {
        match (lang, self) {
            (Lang::En, e) => e.to_string(),
            (Lang::Zh, EvidenceError::Missing { path }) => {
                format!(
                    "{}: 文件不存在。请检查路径,或把文字说明直接写上",
                    path.display()
                )
            }
            (Lang::Zh, EvidenceError::NotAFile { path }) => {
                format!(
                    "{}: 不是普通文件(文件夹或设备),不能作为佐证",
                    path.display()
                )
            }
            (Lang::Zh, EvidenceError::TooLarge { path, size, limit }) => format!(
                "{}: 文件有 {} MB,超过佐证文件上限 {} MB;请压缩照片或分页扫描后再添加",
                path.display(),
                size.div_ceil(1024 * 1024),
                limit / (1024 * 1024)
            ),
            (Lang::Zh, EvidenceError::Io { path, source }) => {
                format!("{}: 读写失败({source})", path.display())
            }
            (Lang::Zh, EvidenceError::Damaged { sha256 }) => {
                format!("佐证文件 {sha256} 已损坏(内容与校验值不符),未保存")
            }
            (Lang::Zh, EvidenceError::BadName { sha256 }) => {
                format!("佐证文件名 {sha256} 不是 SHA-256 校验值")
            }
        }
    }
}

/// What evidence text the user typed is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Typed {
    /// A web address.
    Url(String),
    /// A file path (it must exist).
    Path(PathBuf),
    /// A written description.
    Text(String),
}

/// File extensions that make a typed text a file name even without a folder in it.
const FILE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "bmp", "webp", "heic", "tif", "tiff", "pdf", "ofd", "doc", "docx",
    "wps", "xls", "xlsx", "et", "csv", "txt", "zip", "rar", "7z", "mp4", "mov",
];

/// Classifies typed evidence: a web address; a path (something with a folder separator, a
/// drive letter, `~`, `.`, or a file extension, and no line break); otherwise text. Quotes
/// around a pasted path are dropped.
pub fn classify(text: &str) -> Typed {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Typed::Url(t.to_string());
    }
    let unquoted = t.trim_matches(['"', '\'']);
    let bytes = unquoted.as_bytes();
    let drive = bytes.len() > 2
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && matches!(bytes[2], b'\\' | b'/');
    let has_ext = Path::new(unquoted)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| FILE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
    let looks_like_path = !unquoted.contains('\n')
        && (drive
            || unquoted.starts_with(['/', '\\', '~', '.'])
            || unquoted.contains('/')
            || unquoted.contains('\\')
            || has_ext);
    if looks_like_path {
        let path = match unquoted.strip_prefix("~/").zip(home()) {
            Some((rest, home)) => home.join(rest),
            None => PathBuf::from(unquoted),
        };
        return Typed::Path(path);
    }
    Typed::Text(t.to_string())
}

fn home() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.home_dir().to_path_buf())
}

/// True for 64 lower-case hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The evidence folder of a data directory.
#[derive(Debug, Clone)]
pub struct EvidenceStore {
    dir: PathBuf,
}

impl EvidenceStore {
    /// The evidence folder `<root>/evidence` (created on the first file).
    pub fn new(root: &Path) -> EvidenceStore {
        EvidenceStore {
            dir: root.join("evidence"),
        }
    }

    /// Where the file with this SHA-256 is (or would be) kept.
    pub fn path(&self, sha256: &str) -> Result<PathBuf, EvidenceError> {
        if !is_sha256(sha256) {
            return Err(EvidenceError::BadName {
                sha256: sha256.chars().take(80).collect(),
            });
        }
        Ok(self.dir.join(sha256))
    }

    /// True when the file with this SHA-256 is here.
    pub fn has(&self, sha256: &str) -> bool {
        self.path(sha256).is_ok_and(|p| p.is_file())
    }

    /// Copies a file in (once per content) and returns the evidence that names it.
    pub fn add_file(&self, path: &Path) -> Result<Evidence, EvidenceError> {
        let err = |source| EvidenceError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(EvidenceError::Missing {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(err(e)),
        };
        if !meta.is_file() {
            return Err(EvidenceError::NotAFile {
                path: path.to_path_buf(),
            });
        }
        if meta.len() > MAX_EVIDENCE_BYTES {
            return Err(EvidenceError::TooLarge {
                path: path.to_path_buf(),
                size: meta.len(),
                limit: MAX_EVIDENCE_BYTES,
            });
        }
        let file = File::open(path).map_err(err)?;
        let (sha256, size) = self.put_reader(file, None).map_err(|e| match e {
            EvidenceError::Io { source, .. } => err(source),
            other => other,
        })?;
        let shown = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Ok(Evidence::File {
            name: path
                .file_name()
                .map_or_else(|| sha256.clone(), |n| n.to_string_lossy().into_owned()),
            sha256,
            size: Some(size),
            path: Some(shown.display().to_string()),
        })
    }

    /// Stores bytes read from `reader` (at most [`MAX_EVIDENCE_BYTES`]) under their SHA-256;
    /// with `expect`, refuses bytes that hash to anything else. Returns the hash and size.
    pub fn put_reader(
        &self,
        reader: impl Read,
        expect: Option<&str>,
    ) -> Result<(String, u64), EvidenceError> {
        let io_err = |source| EvidenceError::Io {
            path: self.dir.clone(),
            source,
        };
        std::fs::create_dir_all(&self.dir).map_err(io_err)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(".zwgk-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(io_err)?;
        let mut hasher = Sha256::new();
        let mut limited = reader.take(MAX_EVIDENCE_BYTES + 1);
        let mut buf = vec![0u8; 64 * 1024];
        let mut size = 0u64;
        loop {
            let n = limited.read(&mut buf).map_err(io_err)?;
            if n == 0 {
                break;
            }
            size += n as u64;
            hasher.update(&buf[..n]);
            tmp.write_all(&buf[..n]).map_err(io_err)?;
        }
        if size > MAX_EVIDENCE_BYTES {
            return Err(EvidenceError::TooLarge {
                path: self.dir.clone(),
                size,
                limit: MAX_EVIDENCE_BYTES,
            });
        }
        let sha256 = hex::encode(hasher.finalize());
        if let Some(want) = expect
            && want != sha256
        {
            return Err(EvidenceError::Damaged {
                sha256: want.to_string(),
            });
        }
        let target = self.path(&sha256)?;
        if !target.is_file() {
            tmp.as_file().sync_all().map_err(io_err)?;
            tmp.persist(&target).map_err(|e| io_err(e.error))?;
            super::atomic::sync_dir(&self.dir).map_err(io_err)?;
        }
        Ok((sha256, size))
    }

    /// The bytes of a stored file, checked against its name.
    pub fn read(&self, sha256: &str) -> Result<Vec<u8>, EvidenceError> {
        let path = self.path(sha256)?;
        let bytes = std::fs::read(&path).map_err(|source| EvidenceError::Io {
            path: path.clone(),
            source,
        })?;
        if hex::encode(Sha256::digest(&bytes)) != sha256 {
            return Err(EvidenceError::Damaged {
                sha256: sha256.to_string(),
            });
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_evidence_is_a_url_a_path_or_text() {
        assert_eq!(
            classify(" https://www.gov.cn/a "),
            Typed::Url("https://www.gov.cn/a".into())
        );
        for p in [
            "/home/zhang/公示栏.jpg",
            "C:\\Users\\张三\\照片.png",
            "d:/scan.pdf",
            "./photo.jpg",
            "公示栏照片.JPG",
            "\"/tmp/with space.png\"",
        ] {
            assert!(matches!(classify(p), Typed::Path(_)), "{p}");
        }
        for t in [
            "公示栏已张贴,见档案盒3",
            "网站栏目已开设",
            "第一行\n第二行/第三行",
        ] {
            assert!(matches!(classify(t), Typed::Text(_)), "{t}");
        }
    }

    #[test]
    fn a_file_is_stored_once_under_its_hash_and_checked_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::new(dir.path());
        let src = dir.path().join("公示栏.jpg");
        std::fs::write(&src, b"photo").unwrap();
        let ev = store.add_file(&src).unwrap();
        let Evidence::File {
            name, sha256, size, ..
        } = &ev
        else {
            panic!("{ev:?}")
        };
        assert_eq!(name, "公示栏.jpg");
        assert_eq!(*size, Some(5));
        assert_eq!(store.read(sha256).unwrap(), b"photo");
        // Again, under another name: the same stored file.
        let again = dir.path().join("copy.jpg");
        std::fs::write(&again, b"photo").unwrap();
        store.add_file(&again).unwrap();
        let stored: Vec<_> = std::fs::read_dir(dir.path().join("evidence"))
            .unwrap()
            .collect();
        assert_eq!(stored.len(), 1);
        // A damaged copy is noticed; a wrong expected hash is refused.
        std::fs::write(store.path(sha256).unwrap(), b"other").unwrap();
        assert!(matches!(
            store.read(sha256),
            Err(EvidenceError::Damaged { .. })
        ));
        let wrong = "0".repeat(64);
        assert!(matches!(
            store.put_reader(&b"photo"[..], Some(&wrong)),
            Err(EvidenceError::Damaged { .. })
        ));
        assert!(!store.has(&wrong));
    }

    #[test]
    fn missing_folders_and_huge_files_are_refused_with_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let store = EvidenceStore::new(dir.path());
        let e = store
            .add_file(&dir.path().join("无此文件.jpg"))
            .unwrap_err();
        assert!(e.message(Lang::Zh).contains("文件不存在"), "{e}");
        let e = store.add_file(dir.path()).unwrap_err();
        assert!(matches!(e, EvidenceError::NotAFile { .. }));
        let big = dir.path().join("big.jpg");
        let f = File::create(&big).unwrap();
        f.set_len(MAX_EVIDENCE_BYTES + 1).unwrap();
        let e = store.add_file(&big).unwrap_err();
        assert!(
            e.message(Lang::Zh).contains("超过佐证文件上限 50 MB"),
            "{e}"
        );
        assert!(
            !dir.path().join("evidence").exists()
                || std::fs::read_dir(dir.path().join("evidence"))
                    .unwrap()
                    .next()
                    .is_none()
        );
    }
}
