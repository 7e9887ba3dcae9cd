//! The proxy under hostile clients, driven with raw `std::net::TcpStream`s against the real
//! server loop (`proxy::serve`) on loopback: headers sent byte by byte, idle connections,
//! bodies that never finish, and more idle connections than the server takes at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use proxy::fake_gemini::{config, start_fake, start_proxy};

/// Runs blocking client code off the runtime that serves the proxy.
async fn client<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f).await.expect("client thread")
}

/// True when the server has closed `s` (EOF or reset); false while it is still open.
/// Any bytes the server sent first (an error response) are skipped.
fn closed(s: &mut TcpStream) -> bool {
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// Sends `bytes` one every `gap` until the server closes the connection or `give_up`
/// passes; returns how long the server let it go on, or `None` if it never closed.
fn trickle(addr: SocketAddr, bytes: &[u8], gap: Duration, give_up: Duration) -> Option<Duration> {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(gap)).expect("read timeout");
    let start = Instant::now();
    for b in bytes.iter().cycle() {
        if start.elapsed() > give_up {
            return None;
        }
        if s.write_all(&[*b]).is_err() || closed(&mut s) {
            return Some(start.elapsed());
        }
    }
    None
}

/// The whole response to a plain request on a fresh connection, and how long it took.
fn plain_get(addr: SocketAddr, path: &str, read_limit: Duration) -> (String, Duration) {
    let start = Instant::now();
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(read_limit)).expect("read timeout");
    let req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).expect("send");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    (String::from_utf8_lossy(&out).into_owned(), start.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_idle_connections_are_closed() {
    let (g, _) = start_fake(vec![]).await;
    let mut c = config(g);
    c.header_timeout_ms = 500;
    let p = start_proxy(&c).await;
    // One header byte every 50 ms: the head never ends (a header repeated forever).
    let head = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1\r\n";
    let took = client(move || trickle(p, head, Duration::from_millis(50), Duration::from_secs(5)))
        .await
        .expect("a slowloris client is cut off");
    assert!(took < Duration::from_secs(3), "closed only after {took:?}");
    // A connection that sends nothing at all is closed too.
    let idle = client(move || {
        let mut s = TcpStream::connect(p).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(4)))
            .expect("read timeout");
        let start = Instant::now();
        let mut buf = [0u8; 256];
        let _ = s.read(&mut buf);
        start.elapsed()
    })
    .await;
    assert!(
        idle < Duration::from_secs(3),
        "idle connection kept {idle:?}"
    );
    // The server still answers normal requests.
    let (res, _) = client(move || plain_get(p, "/api/health", Duration::from_secs(5))).await;
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_finishes_gets_408_and_a_close() {
    let (g, fake) = start_fake(vec![]).await;
    let mut c = config(g);
    c.body_timeout_ms = 500;
    let p = start_proxy(&c).await;
    // Both a body that stops after a few bytes and one that trickles forever.
    for trickling in [false, true] {
        let (res, took) = client(move || {
            let start = Instant::now();
            let mut s = TcpStream::connect(p).expect("connect");
            s.set_read_timeout(Some(Duration::from_millis(100)))
                .expect("read timeout");
            let head = "POST /api/refine HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                        Content-Type: application/json\r\nContent-Length: 20000\r\n\r\n{\"feedback\":";
            s.write_all(head.as_bytes()).expect("send head");
            let mut out = Vec::new();
            let mut buf = [0u8; 1024];
            while start.elapsed() < Duration::from_secs(5) {
                if trickling {
                    let _ = s.write_all(b" ");
                }
                match s.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => out.extend_from_slice(&buf[..n]),
                    Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                    Err(_) => break,
                }
            }
            (String::from_utf8_lossy(&out).into_owned(), start.elapsed())
        })
        .await;
        assert!(
            res.starts_with("HTTP/1.1 408"),
            "trickling={trickling}: {res}"
        );
        assert!(
            res.contains("request body not received within 500 ms"),
            "{res}"
        );
        assert!(
            res.to_ascii_lowercase().contains("connection: close"),
            "{res}"
        );
        assert!(
            took < Duration::from_secs(3),
            "trickling={trickling}: {took:?}"
        );
    }
    assert!(fake.seen().is_empty(), "nothing half-read goes upstream");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_past_the_limit_do_not_lock_out_a_normal_request() {
    let (g, _) = start_fake(vec![]).await;
    let mut c = config(g);
    c.max_connections = 4;
    c.header_timeout_ms = 1_000;
    let p = start_proxy(&c).await;
    // Three times the limit in idle connections, all opened before the real client.
    let idle: Vec<TcpStream> = client(move || {
        (0..12)
            .map(|_| TcpStream::connect(p).expect("connect"))
            .collect()
    })
    .await;
    let (res, took) = client(move || plain_get(p, "/api/health", Duration::from_secs(15))).await;
    assert!(res.starts_with("HTTP/1.1 200"), "{res}");
    // It waited for slots (the limit is real) but not for long: each round of idle
    // connections is cut at the header timeout.
    assert!(
        took >= Duration::from_millis(500),
        "no limit: answered in {took:?}"
    );
    assert!(
        took < Duration::from_secs(10),
        "answered only after {took:?}"
    );
    // By now the idle connections were all closed by the server.
    let still_open = client(move || {
        idle.into_iter()
            .filter_map(|mut s| {
                s.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
                (!closed(&mut s)).then_some(())
            })
            .count()
    })
    .await;
    assert_eq!(still_open, 0);
}
