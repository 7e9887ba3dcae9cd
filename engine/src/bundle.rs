//! The versioned binary bundle the builder writes and the app and CLI read.
//!
//! Layout, chosen so a reader can refuse a foreign or newer file before decoding anything:
//!
//! ```text
//! MAGIC (8 bytes) | format version (u16 little-endian) | postcard(Header) | postcard(wire body)
//! ```
//!
//! The body is written in a columnar wire layout (`wire.rs`) and converted back to
//! [`Body`] on decode, so the in-memory types stay record-shaped while the bytes compress
//! about twice as well.
//!
//! The header carries the body's length and CRC-32, so truncation and corruption are told
//! apart from a format mismatch and reported with a clear message instead of a panic.

use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::report::{DataReport, MetricsRecord};
use crate::trends::Trends;
use crate::wire::WireBody;

/// First bytes of every bundle: identifies the file as ours.
pub const MAGIC: &[u8; 8] = b"NFXRECS\x00";

/// Version of the layout of [`Body`] on the wire. Bump on every incompatible change.
/// 2: columnar wire layout (version 1 was postcard of [`Body`] itself).
pub const FORMAT_VERSION: u16 = 2;

/// Metadata written before the body: enough to describe a bundle without decoding it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Layout version of the body (same as the raw version after the magic).
    pub format_version: u16,
    /// When the bundle was built, RFC 3339 UTC. Taken from the data, not the clock, so
    /// builds are reproducible.
    pub build_time: String,
    /// The last Top 10 week (a Sunday, `YYYY-MM-DD`) the data covers.
    pub data_week: String,
    /// Git revision of the code that built it, or "unknown".
    pub git_rev: String,
    /// Length in bytes of the postcard-encoded body that follows the header.
    pub body_len: u64,
    /// CRC-32 (IEEE) of the body bytes.
    pub body_crc32: u32,
}

/// Everything the browser needs, in one value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// Merged title catalog and its interned string tables.
    pub catalog: Catalog,
    /// Top 10 history, per-country runs, most-popular list and trailer stats.
    pub trends: Trends,
    /// The data-quality report of the build that made this bundle.
    pub report: DataReport,
    /// One record per build: weights and offline metrics, oldest first.
    pub metrics_history: Vec<MetricsRecord>,
}

/// A decoded bundle: its header and its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    /// Describes the bundle (version, dates, revision, checksum).
    pub header: Header,
    /// The data itself.
    pub body: Body,
}

/// Why a byte string is not a usable bundle. Each case names what is wrong and where.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum BundleError {
    /// Fewer bytes than the fixed prefix: an empty or cut-off download.
    #[error(
        "bundle is too short ({len} bytes): not a recommendations bundle or an empty download"
    )]
    TooShort {
        /// Number of bytes received.
        len: usize,
    },
    /// The first bytes are not [`MAGIC`]: some other file (an HTML error page, say).
    #[error("not a recommendations bundle: first bytes are {found:?}, expected {expected:?}")]
    WrongMagic {
        /// The first bytes found, lossily decoded for the message.
        found: String,
        /// The expected magic, lossily decoded.
        expected: String,
    },
    /// Written by a newer builder than this reader understands.
    #[error("bundle format version {found} is newer than this app supports ({supported}); reload to update the app")]
    NewerVersion {
        /// Version found in the file.
        found: u16,
        /// Highest version this build reads.
        supported: u16,
    },
    /// Written by an older builder whose layout is no longer read.
    #[error("bundle format version {found} is older than this app supports ({supported}); rebuild the bundle")]
    OlderVersion {
        /// Version found in the file.
        found: u16,
        /// Version this build reads.
        supported: u16,
    },
    /// The header could not be decoded.
    #[error("bundle header is corrupt at byte {offset}: {reason}")]
    CorruptHeader {
        /// Byte offset where the header starts.
        offset: usize,
        /// Decoder message.
        reason: String,
    },
    /// The body is shorter than the header says.
    #[error("bundle is truncated: header promises {expected} body bytes, found {found}")]
    Truncated {
        /// Body length recorded in the header.
        expected: u64,
        /// Body bytes present.
        found: u64,
    },
    /// The body bytes do not match the header's checksum.
    #[error("bundle is corrupt: body checksum {found:08x} does not match header {expected:08x}")]
    ChecksumMismatch {
        /// CRC recorded in the header.
        expected: u32,
        /// CRC of the bytes present.
        found: u32,
    },
    /// The body passed the checksum but does not decode (a builder bug).
    #[error("bundle body does not decode at byte {offset}: {reason}")]
    CorruptBody {
        /// Byte offset where the body starts.
        offset: usize,
        /// Decoder message.
        reason: String,
    },
    /// Encoding failed (only when writing).
    #[error("cannot encode bundle: {0}")]
    Encode(String),
}

const PREFIX_LEN: usize = MAGIC.len() + 2;

impl Bundle {
    /// Wraps a body with a header for the given build time, data week and revision.
    pub fn new(body: Body, build_time: &str, data_week: &str, git_rev: &str) -> Self {
        Bundle {
            header: Header {
                format_version: FORMAT_VERSION,
                build_time: build_time.to_owned(),
                data_week: data_week.to_owned(),
                git_rev: git_rev.to_owned(),
                body_len: 0,
                body_crc32: 0,
            },
            body,
        }
    }

    /// Encodes the bundle; the header's length and checksum are computed here.
    pub fn encode(&self) -> Result<Vec<u8>, BundleError> {
        let body = postcard::to_allocvec(&WireBody::encode(&self.body))
            .map_err(|e| BundleError::Encode(e.to_string()))?;
        let header = Header {
            format_version: FORMAT_VERSION,
            body_len: body.len() as u64,
            body_crc32: crc32(&body),
            ..self.header.clone()
        };
        let head =
            postcard::to_allocvec(&header).map_err(|e| BundleError::Encode(e.to_string()))?;
        let mut out = Vec::with_capacity(PREFIX_LEN + head.len() + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&head);
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Reads only the header, checking magic and version. Cheap: used to show what a
    /// bundle is (for update prompts) without decoding the body.
    pub fn read_header(bytes: &[u8]) -> Result<(Header, usize), BundleError> {
        if bytes.len() < PREFIX_LEN {
            return Err(BundleError::TooShort { len: bytes.len() });
        }
        let (magic, rest) = bytes.split_at(MAGIC.len());
        if magic != MAGIC {
            return Err(BundleError::WrongMagic {
                found: String::from_utf8_lossy(magic).into_owned(),
                expected: String::from_utf8_lossy(MAGIC).into_owned(),
            });
        }
        let version = u16::from_le_bytes([rest[0], rest[1]]);
        if version > FORMAT_VERSION {
            return Err(BundleError::NewerVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        if version < FORMAT_VERSION {
            return Err(BundleError::OlderVersion {
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let head_bytes = &bytes[PREFIX_LEN..];
        let (header, remaining) = postcard::take_from_bytes::<Header>(head_bytes).map_err(|e| {
            BundleError::CorruptHeader {
                offset: PREFIX_LEN,
                reason: e.to_string(),
            }
        })?;
        Ok((header, bytes.len() - remaining.len()))
    }

    /// Decodes a whole bundle, refusing foreign, newer, truncated or corrupt input.
    pub fn decode(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let (header, body_start) = Self::read_header(bytes)?;
        let body_bytes = &bytes[body_start..];
        if (body_bytes.len() as u64) < header.body_len {
            return Err(BundleError::Truncated {
                expected: header.body_len,
                found: body_bytes.len() as u64,
            });
        }
        // Extra trailing bytes are ignored only if the checksum still matches the promised length.
        let body_bytes = &body_bytes[..header.body_len as usize];
        let found = crc32(body_bytes);
        if found != header.body_crc32 {
            return Err(BundleError::ChecksumMismatch {
                expected: header.body_crc32,
                found,
            });
        }
        let corrupt = |reason: String| BundleError::CorruptBody {
            offset: body_start,
            reason,
        };
        let body = postcard::from_bytes::<WireBody>(body_bytes)
            .map_err(|e| corrupt(e.to_string()))?
            .decode()
            .map_err(corrupt)?;
        Ok(Bundle { header, body })
    }
}

/// CRC-32 (IEEE 802.3), slicing-by-8: eight table lookups per 8 bytes instead of one
/// dependent lookup per byte, so checking a multi-megabyte body takes ~1 ms rather than
/// most of the decode. Kept here rather than adding a crate to the wasm build.
pub fn crc32(data: &[u8]) -> u32 {
    const fn tables() -> [[u32; 256]; 8] {
        let mut t = [[0u32; 256]; 8];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[0][i] = c;
            i += 1;
        }
        let mut s = 1;
        while s < 8 {
            let mut i = 0;
            while i < 256 {
                let prev = t[s - 1][i];
                t[s][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
                i += 1;
            }
            s += 1;
        }
        t
    }
    static T: [[u32; 256]; 8] = tables();
    let mut crc = 0xFFFF_FFFFu32;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let lo = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) ^ crc;
        let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
        crc = T[7][(lo & 0xFF) as usize]
            ^ T[6][((lo >> 8) & 0xFF) as usize]
            ^ T[5][((lo >> 16) & 0xFF) as usize]
            ^ T[4][(lo >> 24) as usize]
            ^ T[3][(hi & 0xFF) as usize]
            ^ T[2][((hi >> 8) & 0xFF) as usize]
            ^ T[1][((hi >> 16) & 0xFF) as usize]
            ^ T[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        crc = T[0][((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Kind, Title};

    fn sample() -> Bundle {
        let mut body = Body::default();
        body.catalog.titles.push(Title {
            id: "tt0113277".into(),
            title: "Heat".into(),
            kind: Kind::Movie,
            year: Some(1995),
            ..Title::default()
        });
        Bundle::new(body, "2026-07-21T00:00:00Z", "2026-07-19", "abc123")
    }

    #[test]
    fn round_trip_preserves_everything() {
        let b = sample();
        let bytes = b.encode().unwrap();
        let back = Bundle::decode(&bytes).unwrap();
        assert_eq!(back.body, b.body);
        assert_eq!(back.header.data_week, "2026-07-19");
        assert_eq!(
            back.header.body_len as usize,
            bytes.len() - Bundle::read_header(&bytes).unwrap().1
        );
    }

    #[test]
    fn wrong_magic_is_refused() {
        let mut bytes = sample().encode().unwrap();
        bytes[0] = b'<';
        assert!(matches!(
            Bundle::decode(&bytes),
            Err(BundleError::WrongMagic { .. })
        ));
        let html = b"<!DOCTYPE html><html>404</html>";
        let err = Bundle::decode(html).unwrap_err();
        assert!(
            err.to_string().contains("not a recommendations bundle"),
            "{err}"
        );
    }

    #[test]
    fn newer_and_older_versions_are_distinct_errors() {
        let mut bytes = sample().encode().unwrap();
        bytes[8..10].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
        assert_eq!(
            Bundle::decode(&bytes),
            Err(BundleError::NewerVersion {
                found: FORMAT_VERSION + 1,
                supported: FORMAT_VERSION
            })
        );
        bytes[8..10].copy_from_slice(&(FORMAT_VERSION - 1).to_le_bytes());
        assert!(matches!(
            Bundle::decode(&bytes),
            Err(BundleError::OlderVersion { .. })
        ));
    }

    #[test]
    fn truncation_and_corruption_are_reported_not_panicked() {
        let bytes = sample().encode().unwrap();
        for cut in 0..bytes.len() {
            assert!(
                Bundle::decode(&bytes[..cut]).is_err(),
                "cut at {cut} decoded"
            );
        }
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x55;
        assert!(matches!(
            Bundle::decode(&flipped),
            Err(BundleError::ChecksumMismatch { .. })
        ));
        assert!(matches!(
            Bundle::decode(&bytes[..bytes.len() - 1]),
            Err(BundleError::Truncated { .. })
        ));
    }

    #[test]
    fn crc32_matches_reference_vector() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
        // Lengths around the 8-byte blocks against the bytewise definition.
        let data: Vec<u8> = (0..40u32).map(|i| (i * 37 + 11) as u8).collect();
        for len in 0..data.len() {
            let mut c = 0xFFFF_FFFFu32;
            for &b in &data[..len] {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 {
                        0xEDB8_8320 ^ (c >> 1)
                    } else {
                        c >> 1
                    };
                }
            }
            assert_eq!(crc32(&data[..len]), !c, "length {len}");
        }
    }
}
