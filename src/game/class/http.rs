//! The class plugin's requests over the network: the page's `fetch` in the browser, a short-lived
//! thread natively (with the server feature's HTTP client; plain `http://`, HTTPS being the
//! browser's). Replies wait here for the next frame, as the browser's picked files do.

use std::sync::{Arc, Mutex};

/// What a request was for.
#[derive(Debug, Clone, PartialEq)]
pub enum Purpose {
    Join,
    WhoAmI,
    /// The front of the queue, sent while the place had this generation.
    Waiting(u64),
    /// The front of the files sent from memory (too big for the save), of this generation.
    FromMemory(u64),
}

/// An answer: its status (`None`: no answer at all) and body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub purpose: Purpose,
    pub status: Option<u16>,
    pub body: Vec<u8>,
}

impl Reply {
    /// The server's message (`{"error": ...}`), or the status.
    pub fn error(&self) -> String {
        serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_string))
            .unwrap_or_else(|| match self.status {
                Some(status) => format!("the class server answered {status}"),
                None => "the class server did not answer".into(),
            })
    }
}

/// Where the answers to one game's requests wait for its next frame (each game its own: tests
/// run several in one process).
#[derive(Debug, Clone, Default)]
pub struct Inbox(Arc<Mutex<Vec<Reply>>>);

impl Inbox {
    fn deliver(&self, reply: Reply) {
        if let Ok(mut replies) = self.0.lock() {
            replies.push(reply);
        }
    }

    /// The replies that came since the last frame.
    pub fn take(&self) -> Vec<Reply> {
        self.0
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }
}

/// The most bytes of a class server's answer the game reads: its answers are small JSON, and the
/// class link (so the server) comes from outside.
#[cfg(any(target_arch = "wasm32", feature = "server"))]
const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// One request, answered later through [`take_replies`].
// A native build without the server feature answers every request itself, unread.
#[cfg_attr(
    all(not(target_arch = "wasm32"), not(feature = "server")),
    allow(dead_code)
)]
pub struct Outgoing {
    pub purpose: Purpose,
    pub server: String,
    pub request: crate::class::Request,
    pub key: Option<String>,
}

#[cfg(target_arch = "wasm32")]
pub fn send(inbox: &Inbox, outgoing: Outgoing) {
    let inbox = inbox.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let answer = fetch(&outgoing).await;
        inbox.deliver(Reply {
            purpose: outgoing.purpose,
            status: answer.as_ref().map(|(status, _)| *status),
            body: answer.map(|(_, body)| body).unwrap_or_default(),
        });
    });
}

#[cfg(target_arch = "wasm32")]
async fn fetch(outgoing: &Outgoing) -> Option<(u16, Vec<u8>)> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let init = web_sys::RequestInit::new();
    init.set_method(outgoing.request.method);
    let headers = web_sys::Headers::new().ok()?;
    headers
        .set("Content-Type", outgoing.request.content_type)
        .ok()?;
    if let Some(key) = &outgoing.key {
        headers
            .set("Authorization", &format!("Bearer {key}"))
            .ok()?;
    }
    init.set_headers(&headers);
    if !outgoing.request.body.is_empty() {
        init.set_body(&js_sys::Uint8Array::from(&outgoing.request.body[..]));
    }
    let url = format!("{}{}", outgoing.server, outgoing.request.path);
    let request = web_sys::Request::new_with_str_and_init(&url, &init).ok()?;
    let response: web_sys::Response =
        JsFuture::from(web_sys::window()?.fetch_with_request(&request))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
    // An answer that says it is big is not read (one that does not say is cut below).
    let declared = response
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|n| n.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_ANSWER_BYTES) {
        return Some((response.status(), Vec::new()));
    }
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    let bytes = js_sys::Uint8Array::new(&buffer);
    let kept = bytes.length().min(MAX_ANSWER_BYTES as u32);
    Some((response.status(), bytes.subarray(0, kept).to_vec()))
}

#[cfg(all(not(target_arch = "wasm32"), feature = "server"))]
pub fn send(inbox: &Inbox, outgoing: Outgoing) {
    let inbox = inbox.clone();
    std::thread::spawn(move || {
        let answer = native_request(&outgoing);
        inbox.deliver(Reply {
            purpose: outgoing.purpose,
            status: answer.as_ref().map(|(status, _)| *status),
            body: answer.map(|(_, body)| body).unwrap_or_default(),
        });
    });
}

#[cfg(all(not(target_arch = "wasm32"), feature = "server"))]
fn native_request(outgoing: &Outgoing) -> Option<(u16, Vec<u8>)> {
    use std::net::ToSocketAddrs;
    let host = outgoing.server.strip_prefix("http://")?;
    let address = host.to_socket_addrs().ok()?.next()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    runtime.block_on(async {
        let exchange = async {
            let mut connection = crate::server::client::Connection::open(address)
                .await
                .ok()?;
            connection.max_answer_bytes = MAX_ANSWER_BYTES;
            let request = &outgoing.request;
            let answer = connection
                .send(
                    request.method,
                    &request.path,
                    outgoing.key.as_deref(),
                    Some((request.content_type, request.body.clone())),
                )
                .await
                .ok()?;
            Some((answer.status, answer.body))
        };
        // Twenty seconds, and more for a big file on a slow network (100 KB/s).
        let seconds = 20 + outgoing.request.body.len() as u64 / 100_000;
        tokio::time::timeout(std::time::Duration::from_secs(seconds), exchange)
            .await
            .ok()
            .flatten()
    })
}

/// A build without the server feature has no HTTP client natively: every request is unanswered
/// (and stays queued).
#[cfg(all(not(target_arch = "wasm32"), not(feature = "server")))]
pub fn send(inbox: &Inbox, outgoing: Outgoing) {
    let Outgoing { purpose, .. } = outgoing;
    inbox.deliver(Reply {
        purpose,
        status: None,
        body: br#"{"error": "this build of the game cannot reach a class server (it was built without the server feature)"}"#.to_vec(),
    });
}
