//! `proxy`: thin binary over the `proxy` library.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let config = proxy::Config::parse();
    let listener = tokio::net::TcpListener::bind(&config.addr).await?;
    tracing::info!(
        "serving {} on http://{} (refine: {})",
        config.site.display(),
        listener.local_addr()?,
        if config.gemini_api_key.is_some() {
            format!("Gemini {}", config.gemini_model)
        } else {
            "no GEMINI_API_KEY, clients use the on-device refiner".to_string()
        }
    );
    proxy::serve(listener, &config, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
