//! The proxy: serves the static site (with precompressed files) and the JSON API.

use std::path::PathBuf;

use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use tower_http::services::{ServeDir, ServeFile};

/// Configuration from flags and environment.
#[derive(Debug, Clone, clap::Parser)]
#[command(version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "PROXY_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Directory of the built site (Trunk's `dist/`).
    #[arg(long, env = "PROXY_SITE", default_value = "dist")]
    pub site: PathBuf,
}

/// Answer of `GET /api/health`.
#[derive(Debug, Serialize)]
pub struct Health {
    /// Always "ok" when the server answers.
    pub status: &'static str,
    /// Crate version.
    pub version: &'static str,
}

async fn health() -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// Builds the router: `/api/*` plus the static site, falling back to `index.html` so deep
/// links into the single-page app load.
pub fn router(config: &Config) -> Router {
    let index = config.site.join("index.html");
    let site = ServeDir::new(&config.site)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(index)
                .precompressed_br()
                .precompressed_gzip(),
        );
    Router::new()
        .route("/api/health", get(health))
        .fallback_service(site)
}
