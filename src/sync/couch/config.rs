//! Which server to replicate with, and as whom: `<data dir>/couchdb.json` and the environment.
//!
//! ```json
//! {"url": "http://10.1.2.3:5984/zwgk_370828", "user": "hujizhen"}
//! ```
//!
//! * The URL names the database: `http[s]://host[:port][/prefix]/<database>`. It never holds
//!   a user or password (refused: command lines and shell histories are read by others).
//! * The user and password come from `ZWGK_SYNC_USER` and `ZWGK_SYNC_PASSWORD`, else from the
//!   file's `user` and `password`. zwgk writes the URL and the user into the file after a
//!   successful `zwgk sync URL`; a password is only ever there if a person put it there.
//! * On Unix the file is created with mode 0600 and refused when others may read it; on
//!   Windows it lives in the user's own profile folder.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::CouchError;
use crate::store::atomic::write_atomic;

/// The file name of the server configuration in the data directory.
pub const CONFIG_FILE: &str = "couchdb.json";
/// The environment variable with the user name.
pub const ENV_USER: &str = "ZWGK_SYNC_USER";
/// The environment variable with the password.
pub const ENV_PASSWORD: &str = "ZWGK_SYNC_PASSWORD";

/// The configuration file's content.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// The database URL, without credentials.
    pub url: String,
    /// The CouchDB user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The password, when a person chose to keep it here (the environment is preferred).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerConfig")
            .field("url", &self.url)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .finish()
    }
}

/// A user name and password for HTTP basic authentication.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: String,
    password: String,
}

impl Credentials {
    /// Credentials from their parts.
    pub fn new(user: impl Into<String>, password: impl Into<String>) -> Credentials {
        Credentials {
            user: user.into(),
            password: password.into(),
        }
    }

    /// The value of an `Authorization` header.
    pub fn header(&self) -> String {
        use base64::Engine as _;
        let raw = format!("{}:{}", self.user, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials({}, …)", self.user)
    }
}

/// A database URL, split into the server part and the database name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl {
    /// `scheme://host:port[/prefix]`, no trailing slash.
    pub origin: String,
    /// The database name.
    pub db: String,
}

impl ServerUrl {
    /// Parses `http[s]://host[:port][/prefix]/<database>`.
    pub fn parse(text: &str) -> Result<ServerUrl, CouchError> {
        let bad = |reason: &str| CouchError::Url {
            url: crate::text::sanitize(&redact(text), false),
            reason: reason.to_string(),
        };
        let text = text.trim();
        let uri: ureq::http::Uri = text
            .parse()
            .map_err(|_| bad("not a URL such as http://10.1.2.3:5984/zwgk_370828"))?;
        let scheme = uri.scheme_str().unwrap_or_default();
        match scheme {
            "http" => {}
            "https" if cfg!(feature = "tls") => {}
            "https" => return Err(bad("https needs a zwgk built with --features tls")),
            _ => return Err(bad("the URL must start with http:// or https://")),
        }
        let authority = uri
            .authority()
            .ok_or_else(|| bad("the URL has no host"))?
            .as_str();
        if authority.contains('@') {
            return Err(bad(
                "the URL must not contain a user or password; use ZWGK_SYNC_USER and ZWGK_SYNC_PASSWORD",
            ));
        }
        if uri.query().is_some() || text.contains('#') {
            return Err(bad("the URL must not have a query or fragment"));
        }
        let path = uri.path().trim_end_matches('/');
        let (prefix, db) = path.rsplit_once('/').unwrap_or(("", path));
        if !db_name_ok(db) {
            return Err(bad(
                "the URL must end in the database name: a lower-case letter, then lower-case letters, digits or _$()+-",
            ));
        }
        Ok(ServerUrl {
            origin: format!("{scheme}://{authority}{prefix}"),
            db: db.to_string(),
        })
    }

    /// The URL as people read it (it never holds credentials).
    pub fn display(&self) -> String {
        format!("{}/{}", self.origin, self.db)
    }
}

/// The URL with any `user:password@` replaced by `…@`, for messages.
fn redact(text: &str) -> String {
    let Some((scheme, rest)) = text.split_once("://") else {
        return text.to_string();
    };
    let end = rest.find('/').unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}://…{}", &rest[at..]),
        None => text.to_string(),
    }
}

/// CouchDB's rule for database names (without `/`, which zwgk does not use).
fn db_name_ok(db: &str) -> bool {
    let mut bytes = db.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_$()+-".contains(&b))
}

/// The path of the configuration file.
pub fn path(dir: &Path) -> PathBuf {
    dir.join(CONFIG_FILE)
}

/// Reads the configuration, if there is one; refuses a file that others may read.
pub fn load(dir: &Path) -> Result<Option<ServerConfig>, CouchError> {
    let path = path(dir);
    let bad = |reason: String| CouchError::Config {
        path: path.clone(),
        reason,
    };
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(bad(e.to_string())),
    };
    if !meta.is_file() || meta.len() > 64 * 1024 {
        return Err(bad("not a small regular file".into()));
    }
    check_private(&meta).map_err(|mode| {
        bad(format!(
            "others may read it (mode {mode:o}); run: chmod 600 {}",
            path.display()
        ))
    })?;
    let bytes = std::fs::read(&path).map_err(|e| bad(e.to_string()))?;
    let config: ServerConfig = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    Ok(Some(config))
}

#[cfg(unix)]
fn check_private(meta: &std::fs::Metadata) -> Result<(), u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 == 0 { Ok(()) } else { Err(mode) }
}

#[cfg(not(unix))]
fn check_private(_meta: &std::fs::Metadata) -> Result<(), u32> {
    Ok(())
}

/// Writes the configuration (mode 0600 on Unix: the temporary file is created so and the
/// rename keeps it).
pub fn save(dir: &Path, config: &ServerConfig) -> Result<(), CouchError> {
    let path = path(dir);
    let bytes = serde_json::to_vec_pretty(config).map_err(|e| CouchError::Config {
        path: path.clone(),
        reason: e.to_string(),
    })?;
    write_atomic(&path, &bytes).map_err(|e| CouchError::Config {
        path: path.clone(),
        reason: e.to_string(),
    })
}

/// What a sync run uses: the URL (the one given, else the configured one) and credentials
/// (environment first, then the file).
#[derive(Debug, Clone)]
pub struct Resolved {
    pub url: ServerUrl,
    pub credentials: Option<Credentials>,
    /// The file's content, if there is a file.
    pub config: Option<ServerConfig>,
}

/// Resolves the server and credentials for a data directory. `env` looks up a variable (the
/// process environment in the binary; a map in tests).
pub fn resolve(
    dir: &Path,
    url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Resolved, CouchError> {
    let config = load(dir)?;
    let text = match (url, &config) {
        (Some(u), _) => u.to_string(),
        (None, Some(c)) => c.url.clone(),
        (None, None) => return Err(CouchError::NoServer { dir: path(dir) }),
    };
    let url = ServerUrl::parse(&text)?;
    let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
    let user = nonempty(env(ENV_USER)).or_else(|| nonempty(config.as_ref()?.user.clone()));
    let password =
        nonempty(env(ENV_PASSWORD)).or_else(|| nonempty(config.as_ref()?.password.clone()));
    let credentials = match (user, password) {
        (Some(u), Some(p)) => Some(Credentials::new(u, p)),
        (Some(u), None) => {
            return Err(CouchError::NoPassword {
                user: u,
                file: path(dir),
            });
        }
        _ => None,
    };
    Ok(Resolved {
        url,
        credentials,
        config,
    })
}

/// Remembers the server (and the user name, never a password unless one was in the file)
/// after a successful run, so that the app's sync key and `zwgk sync` without a URL find it.
pub fn remember(dir: &Path, resolved: &Resolved) -> Result<(), CouchError> {
    let mut config = resolved.config.clone().unwrap_or_default();
    let url = resolved.url.display();
    let user = resolved.credentials.as_ref().map(|c| c.user.clone());
    let changed = config.url != url || (user.is_some() && config.user != user);
    if !changed {
        return Ok(());
    }
    if config.url != url {
        // Another server: a password kept for the old one does not belong to it.
        config.password = None;
    }
    config.url = url;
    if user.is_some() {
        config.user = user;
    }
    save(dir, &config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_database_and_never_hold_credentials() {
        let u = ServerUrl::parse("http://127.0.0.1:5984/zwgk_370828/").unwrap();
        assert_eq!(u.origin, "http://127.0.0.1:5984");
        assert_eq!(u.db, "zwgk_370828");
        let u = ServerUrl::parse("http://gk.example/couch/zwgk").unwrap();
        assert_eq!(u.origin, "http://gk.example/couch");
        assert_eq!(u.display(), "http://gk.example/couch/zwgk");
        for bad in [
            "http://admin:secret@127.0.0.1:5984/zwgk",
            "http://127.0.0.1:5984/",
            "http://127.0.0.1:5984/Zwgk",
            "http://127.0.0.1:5984/zwgk?x=1",
            "ftp://127.0.0.1/zwgk",
            "127.0.0.1:5984/zwgk",
            "",
        ] {
            let e = ServerUrl::parse(bad).unwrap_err();
            assert!(!e.to_string().contains("secret"), "{e}");
        }
        assert_eq!(
            ServerUrl::parse("https://gk.example/zwgk").is_ok(),
            cfg!(feature = "tls")
        );
    }

    #[test]
    fn credentials_come_from_the_environment_first_and_are_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let none = |_: &str| None;
        assert!(matches!(
            resolve(dir.path(), None, &none),
            Err(CouchError::NoServer { .. })
        ));
        save(
            dir.path(),
            &ServerConfig {
                url: "http://127.0.0.1:5984/zwgk".into(),
                user: Some("file-user".into()),
                password: Some("file-secret".into()),
            },
        )
        .unwrap();
        let r = resolve(dir.path(), None, &none).unwrap();
        assert_eq!(r.url.db, "zwgk");
        let c = r.credentials.unwrap();
        assert_eq!(c.user, "file-user");
        assert!(!format!("{c:?}{:?}", r.config).contains("file-secret"));
        let env = |k: &str| match k {
            ENV_USER => Some("env-user".into()),
            ENV_PASSWORD => Some("env-secret".into()),
            _ => None,
        };
        let r = resolve(dir.path(), Some("http://h:1/other"), &env).unwrap();
        assert_eq!(r.credentials.unwrap().user, "env-user");
        assert_eq!(r.url.db, "other");
        // A user without a password is a clear error, not an anonymous run.
        let user_only = |k: &str| (k == ENV_USER).then(|| "u".to_string());
        std::fs::remove_file(path(dir.path())).unwrap();
        assert!(matches!(
            resolve(dir.path(), Some("http://h:1/db"), &user_only),
            Err(CouchError::NoPassword { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_and_a_readable_one_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let r = Resolved {
            url: ServerUrl::parse("http://127.0.0.1:5984/zwgk").unwrap(),
            credentials: Some(Credentials::new("hj", "pw")),
            config: None,
        };
        remember(dir.path(), &r).unwrap();
        let p = path(dir.path());
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\"hj\"") && !text.contains("pw"), "{text}");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = load(dir.path()).unwrap_err();
        assert!(e.to_string().contains("chmod 600"), "{e}");
        assert!(e.message(crate::cli::Lang::Zh).contains("chmod 600"));
    }
}
