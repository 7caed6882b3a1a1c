//! A thin blocking CouchDB client over ureq: one database, basic authentication, JSON in and
//! out, every request and byte counted. Status codes are returned, not turned into errors;
//! the replicator decides what each means where it happens.

use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::CouchError;
use super::config::{Credentials, ServerUrl};

/// Path segments are encoded except for RFC 3986's unreserved characters, so a document id
/// with `:`, `/` or Chinese stays one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Largest response body read (bytes).
pub const MAX_RESPONSE_BYTES: u64 = 512 * 1024 * 1024;

/// Requests and bytes so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub requests: u64,
    /// Request bodies.
    pub bytes_sent: u64,
    /// Response bodies.
    pub bytes_received: u64,
}

/// How long to wait.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To connect.
    pub connect: Duration,
    /// For one whole request and its response.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(15),
            request: Duration::from_secs(300),
        }
    }
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
}

/// A response: status and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    /// True for 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// CouchDB's `reason` (or `error`) of an error response, for messages.
    pub fn reason(&self) -> String {
        let v = self.json();
        let text = v
            .get("reason")
            .or_else(|| v.get("error"))
            .and_then(Value::as_str)
            .map_or_else(
                || {
                    String::from_utf8_lossy(&self.body)
                        .chars()
                        .take(200)
                        .collect()
                },
                str::to_string,
            );
        crate::text::sanitize(&text, false)
    }
}

/// One database on one server.
pub struct Server {
    agent: ureq::Agent,
    url: ServerUrl,
    auth: Option<String>,
    user: Option<String>,
    stats: Stats,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("url", &self.url.display())
            .field("user", &self.user)
            .finish()
    }
}

impl Server {
    /// A client for the database `url`, as `credentials` (anonymous when `None`).
    pub fn new(url: ServerUrl, credentials: Option<&Credentials>, timeouts: Timeouts) -> Server {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(timeouts.connect))
            .timeout_global(Some(timeouts.request))
            .user_agent(concat!("zwgk/", env!("CARGO_PKG_VERSION")))
            .build();
        Server {
            agent: config.into(),
            url,
            auth: credentials.map(Credentials::header),
            user: credentials.map(|c| c.user.clone()),
            stats: Stats::default(),
        }
    }

    /// The database URL, for messages (never with credentials).
    pub fn label(&self) -> String {
        self.url.display()
    }

    /// The user, if any.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The database's URL.
    pub fn url(&self) -> &ServerUrl {
        &self.url
    }

    /// Requests and bytes so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// The URL of a path below the database (`[]` is the database itself), each segment
    /// percent-encoded.
    pub fn db_url(&self, segments: &[&str]) -> String {
        let mut url = format!("{}/{}", self.url.origin, self.url.db);
        for s in segments {
            url.push('/');
            url.extend(utf8_percent_encode(s, SEGMENT));
        }
        url
    }

    /// The URL of a path below the server root (`_session`, `/`).
    pub fn root_url(&self, segments: &[&str]) -> String {
        let mut url = self.url.origin.clone();
        for s in segments {
            url.push('/');
            url.extend(utf8_percent_encode(s, SEGMENT));
        }
        if segments.is_empty() {
            url.push('/');
        }
        url
    }

    /// Sends a request. `body` is sent with its content type; the response body is read
    /// whole, at most `limit` bytes.
    pub fn request(
        &mut self,
        method: Method,
        url: &str,
        query: &[(&str, &str)],
        body: Option<(&[u8], &str)>,
        limit: u64,
    ) -> Result<Reply, CouchError> {
        let failed = |e: ureq::Error| CouchError::from_transport(&self.url.display(), e);
        self.stats.requests += 1;
        let accept = "application/json";
        let response = match (method, body) {
            (Method::Get, _) => {
                let mut r = self.agent.get(url).header("Accept", accept);
                if let Some(auth) = &self.auth {
                    r = r.header("Authorization", auth);
                }
                r.query_pairs(query.iter().copied()).call()
            }
            (m, body) => {
                let mut r = match m {
                    Method::Put => self.agent.put(url),
                    _ => self.agent.post(url),
                }
                .header("Accept", accept);
                if let Some(auth) = &self.auth {
                    r = r.header("Authorization", auth);
                }
                let (bytes, content_type) = body.unwrap_or((b"", "application/json"));
                self.stats.bytes_sent += bytes.len() as u64;
                r.query_pairs(query.iter().copied())
                    .content_type(content_type)
                    .send(bytes)
            }
        }
        .map_err(failed)?;
        let status = response.status().as_u16();
        let mut response = response;
        let body = response
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(failed)?;
        self.stats.bytes_received += body.len() as u64;
        Ok(Reply { status, body })
    }

    /// A JSON request below the database.
    pub fn json(
        &mut self,
        method: Method,
        segments: &[&str],
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Reply, CouchError> {
        let url = self.db_url(segments);
        self.json_at(method, &url, query, body)
    }

    /// A JSON request to any URL of this server.
    pub fn json_at(
        &mut self,
        method: Method,
        url: &str,
        query: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Reply, CouchError> {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        let body = bytes.as_deref().map(|b| (b, "application/json"));
        self.request(method, url, query, body, MAX_RESPONSE_BYTES)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids_are_one_path_segment() {
        let s = Server::new(
            ServerUrl::parse("http://127.0.0.1:5984/zwgk").unwrap(),
            None,
            Timeouts::default(),
        );
        assert_eq!(
            s.db_url(&["370828102:self_check:x:result:edu/01 甲"]),
            "http://127.0.0.1:5984/zwgk/370828102%3Aself_check%3Ax%3Aresult%3Aedu%2F01%20%E7%94%B2"
        );
        assert_eq!(
            s.db_url(&["_local", "ab12"]),
            "http://127.0.0.1:5984/zwgk/_local/ab12"
        );
        assert_eq!(s.root_url(&[]), "http://127.0.0.1:5984/");
    }
}
