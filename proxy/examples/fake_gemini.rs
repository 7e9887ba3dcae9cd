//! The fake Gemini (`proxy::fake_gemini`) as a standalone server for load tests: answers
//! every request at once with a valid structured answer picking the request's first three
//! candidates.
//!
//! Usage: `cargo run -p proxy --example fake_gemini -- 127.0.0.1:9090`

use proxy::fake_gemini::{start_on, Reply};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9090".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let _fake = start_on(listener, vec![Reply::First(3)])?;
    std::future::pending::<()>().await;
    Ok(())
}
