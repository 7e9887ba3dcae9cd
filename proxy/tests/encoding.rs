//! The site's precompressed files: brotli when the client takes it, else gzip, else the
//! plain bytes, each with the right `Content-Encoding`, for the wasm and the bundle alike.
//! Driven with raw HTTP/1.1 over `std::net::TcpStream`, so no client decompresses anything.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proxy::fake_gemini as fake;

use std::io::{Read, Write};
use std::net::SocketAddr;

/// One GET with `accept` as the Accept-Encoding header (none when `None`); returns the
/// lower-cased header block and the body bytes.
fn get(addr: SocketAddr, path: &str, accept: Option<&str>) -> (String, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    let accept = accept.map_or(String::new(), |a| format!("Accept-Encoding: {a}\r\n"));
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: test\r\n{accept}Connection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header block");
    let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
    (head, raw[split + 4..].to_vec())
}

/// The body of a response that may be chunked.
fn dechunk(head: &str, body: Vec<u8>) -> Vec<u8> {
    if !head.contains("transfer-encoding: chunked") {
        return body;
    }
    let mut out = Vec::new();
    let mut rest = body.as_slice();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = usize::from_str_radix(
            std::str::from_utf8(&rest[..line_end]).expect("hex").trim(),
            16,
        )
        .expect("chunk size");
        rest = &rest[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
}

#[tokio::test]
async fn brotli_then_gzip_then_plain_for_the_wasm_and_the_bundle() {
    let site = tempfile::tempdir().expect("site dir");
    let files = [
        ("app_bg.wasm", "application/wasm"),
        ("public/bundle.bin", ""),
    ];
    std::fs::create_dir_all(site.path().join("public")).expect("public dir");
    std::fs::write(site.path().join("index.html"), "<!doctype html>").expect("index");
    for (file, _) in files {
        let p = site.path().join(file);
        // Distinct bytes per encoding, so the test sees which file was sent.
        std::fs::write(&p, format!("plain {file}")).expect("plain");
        std::fs::write(
            p.with_file_name(format!("{}.br", p.file_name().unwrap().to_string_lossy())),
            "BR",
        )
        .expect("br");
        std::fs::write(
            p.with_file_name(format!("{}.gz", p.file_name().unwrap().to_string_lossy())),
            "GZ",
        )
        .expect("gz");
    }
    let config = proxy::Config::for_site(site.path());
    let addr = fake::start_proxy(&config).await;
    for (file, mime) in files {
        let path = format!("/{file}");
        let cases = [
            (Some("gzip, deflate, br"), Some("br"), b"BR".to_vec()),
            (Some("gzip"), Some("gzip"), b"GZ".to_vec()),
            (Some("identity"), None, format!("plain {file}").into_bytes()),
            (None, None, format!("plain {file}").into_bytes()),
        ];
        for (accept, encoding, want) in cases {
            let p = path.clone();
            let (head, body) = tokio::task::spawn_blocking(move || get(addr, &p, accept))
                .await
                .expect("client");
            assert!(
                head.starts_with("http/1.1 200"),
                "{path} {accept:?}: {head}"
            );
            match encoding {
                Some(e) => assert!(
                    head.contains(&format!("content-encoding: {e}")),
                    "{path} {accept:?}: {head}"
                ),
                None => assert!(
                    !head.contains("content-encoding"),
                    "{path} {accept:?}: {head}"
                ),
            }
            if !mime.is_empty() {
                assert!(head.contains(&format!("content-type: {mime}")), "{head}");
            }
            assert_eq!(dechunk(&head, body), want, "{path} {accept:?}");
        }
    }
}
