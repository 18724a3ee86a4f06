//! A small HTTP/1.1 client over one kept-alive connection (hyper's), for the load benchmark and
//! the tests: they talk to a real server over a real socket.

use std::net::SocketAddr;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;

/// The most bytes of an answer read by default: a handed-in file downloaded whole (uploads are
/// at most 64 MB by default), and no more whatever a server sends.
pub const MAX_ANSWER_BYTES: usize = 80 * 1024 * 1024;

/// One connection to a server.
pub struct Connection {
    address: SocketAddr,
    sender: SendRequest<Full<Bytes>>,
    /// Answers longer than this are refused (the game expects small JSON).
    pub max_answer_bytes: usize,
}

/// A response: its status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub headers: hyper::HeaderMap,
}

impl Answer {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Connection {
    pub async fn open(address: SocketAddr) -> Result<Connection, String> {
        let stream = tokio::net::TcpStream::connect(address)
            .await
            .map_err(|e| format!("cannot reach {address}: {e}"))?;
        let _ = stream.set_nodelay(true);
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| format!("no HTTP with {address}: {e}"))?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Connection {
            address,
            sender,
            max_answer_bytes: MAX_ANSWER_BYTES,
        })
    }

    /// Sends one request (a JSON or raw body, a key) and reads the whole answer. A connection the
    /// server closed is opened again once.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Answer, String> {
        if self.sender.ready().await.is_err() {
            let limit = self.max_answer_bytes;
            *self = Connection::open(self.address).await?;
            self.max_answer_bytes = limit;
        }
        let method = Method::from_bytes(method.as_bytes()).map_err(|e| e.to_string())?;
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(hyper::header::HOST, self.address.to_string());
        if let Some(key) = key {
            request = request.header(hyper::header::AUTHORIZATION, format!("Bearer {key}"));
        }
        let body = match body {
            Some((content_type, bytes)) => {
                request = request.header(hyper::header::CONTENT_TYPE, content_type);
                Full::new(Bytes::from(bytes))
            }
            None => Full::new(Bytes::new()),
        };
        let request = request.body(body).map_err(|e| e.to_string())?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| format!("no answer from {}: {e}", self.address))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let limit = self.max_answer_bytes;
        let body = http_body_util::Limited::new(response.into_body(), limit)
            .collect()
            .await
            .map_err(|e| format!("the answer broke off or is over {limit} bytes: {e}"))?
            .to_bytes()
            .to_vec();
        Ok(Answer {
            status,
            body,
            headers,
        })
    }

    /// A JSON request.
    pub async fn json(
        &mut self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<Answer, String> {
        let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
        self.send(method, path, key, Some(("application/json", bytes)))
            .await
    }
}
