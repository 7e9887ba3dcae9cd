//! The versioned binary bundle the builder writes and the app and CLI read.
//!
//! A bundle is two files. `bundle.bin` (the core) holds everything the first screen of
//! recommendations needs: the catalog's fields, the description terms already stemmed, the
//! people credited more than once, the Top 10 summary per title, trailers, report and
//! metrics. `details.bin` holds what only the title, trends and refine views read: the
//! description text, source ids, people with a single credit, TMDB poster paths, the
//! weekly Top 10 rows and the per-country runs. The app shows recommendations from the core and fetches the
//! details afterwards; the description text alone is as large as the rest of the core.
//!
//! Layout of each file, chosen so a reader can refuse a foreign or newer file before
//! decoding anything:
//!
//! ```text
//! MAGIC (8 bytes) | format version (u16 little-endian) | postcard(Header) | postcard(wire body)
//! DETAILS_MAGIC   | format version                     | postcard(DetailsHeader) | postcard(wire details)
//! ```
//!
//! The details header names the core body's checksum, so a details file from another
//! build is refused instead of mixing two catalogs.
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
use crate::wire::{WireBody, WireDetails};

/// First bytes of every bundle: identifies the file as ours.
pub const MAGIC: &[u8; 8] = b"NFXRECS\x00";

/// First bytes of every details file.
pub const DETAILS_MAGIC: &[u8; 8] = b"NFXDETL\x00";

/// Version of the layout of [`Body`] on the wire. Bump on every incompatible change.
/// 5: TMDB poster paths in the details file (the core body is unchanged).
/// 4: engagement reports (per-title views in the core, half-year rows in the details),
///    freshness in the report.
/// 3: split into core and details files, description terms stemmed at build time.
/// 2: columnar wire layout (version 1 was postcard of [`Body`] itself).
pub const FORMAT_VERSION: u16 = 5;

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

/// The details file's header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetailsHeader {
    /// Layout version (same as the core's).
    pub format_version: u16,
    /// [`Header::body_crc32`] of the core file these details complete.
    pub core_crc32: u32,
    /// Length in bytes of the details body.
    pub body_len: u64,
    /// CRC-32 (IEEE) of the details body.
    pub body_crc32: u32,
}

/// Everything the browser needs, in one value. Decoded from the core file alone, the
/// details' fields are empty: descriptions and sources, single-credit people (their links
/// are [`crate::catalog::UNLOADED_PERSON`]), weekly rows and country runs, until
/// [`Bundle::attach_details`].
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
    /// A details file built for another core file.
    #[error("details file belongs to another bundle (it completes bundle checksum {details_for:08x}, this bundle is {bundle:08x}); reload to fetch a matching pair")]
    DetailsMismatch {
        /// Core checksum the details name.
        details_for: u32,
        /// Core checksum of the loaded bundle.
        bundle: u32,
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

    /// Encodes the core file (`bundle.bin`); the header's length and checksum are
    /// computed here. Works on a bundle decoded without its details too.
    pub fn encode(&self) -> Result<Vec<u8>, BundleError> {
        self.frame_core(&self.core_body()?)
    }

    /// Encodes the details file (`details.bin`) of a complete bundle.
    pub fn encode_details(&self) -> Result<Vec<u8>, BundleError> {
        self.frame_details(&self.core_body()?)
    }

    /// Encodes both files (the builder), serializing the core body once.
    pub fn encode_both(&self) -> Result<(Vec<u8>, Vec<u8>), BundleError> {
        let core = self.core_body()?;
        Ok((self.frame_core(&core)?, self.frame_details(&core)?))
    }

    fn frame_core(&self, body: &[u8]) -> Result<Vec<u8>, BundleError> {
        let header = Header {
            format_version: FORMAT_VERSION,
            body_len: body.len() as u64,
            body_crc32: crc32(body),
            ..self.header.clone()
        };
        frame(MAGIC, &header, body)
    }

    /// The details file for the core body `core`: its header names the core's checksum.
    fn frame_details(&self, core: &[u8]) -> Result<Vec<u8>, BundleError> {
        let body =
            postcard::to_allocvec(&WireDetails::encode(&self.body).map_err(BundleError::Encode)?)
                .map_err(|e| BundleError::Encode(e.to_string()))?;
        let header = DetailsHeader {
            format_version: FORMAT_VERSION,
            core_crc32: crc32(core),
            body_len: body.len() as u64,
            body_crc32: crc32(&body),
        };
        frame(DETAILS_MAGIC, &header, &body)
    }

    fn core_body(&self) -> Result<Vec<u8>, BundleError> {
        postcard::to_allocvec(&WireBody::encode(&self.body).map_err(BundleError::Encode)?)
            .map_err(|e| BundleError::Encode(e.to_string()))
    }

    /// Reads only the header, checking magic and version. Cheap: used to show what a
    /// bundle is (for update prompts) without decoding the body.
    pub fn read_header(bytes: &[u8]) -> Result<(Header, usize), BundleError> {
        unframe(bytes, MAGIC)
    }

    /// Decodes the core file, refusing foreign, newer, truncated or corrupt input.
    pub fn decode(bytes: &[u8]) -> Result<Bundle, BundleError> {
        let (header, body_start) = Self::read_header(bytes)?;
        let body_bytes = checked_body(bytes, body_start, header.body_len, header.body_crc32)?;
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

    /// Completes a bundle decoded from the core file with its details file. A foreign,
    /// corrupt or mismatched file is refused and leaves the bundle as it was.
    pub fn attach_details(&mut self, bytes: &[u8]) -> Result<(), BundleError> {
        *self = self.with_details(bytes)?;
        Ok(())
    }

    /// The complete bundle: a copy of this core bundle with its details file attached
    /// (the app keeps serving the core one while the details download).
    pub fn with_details(&self, bytes: &[u8]) -> Result<Bundle, BundleError> {
        let (header, body_start): (DetailsHeader, usize) = unframe(bytes, DETAILS_MAGIC)?;
        if header.core_crc32 != self.header.body_crc32 {
            return Err(BundleError::DetailsMismatch {
                details_for: header.core_crc32,
                bundle: self.header.body_crc32,
            });
        }
        let body_bytes = checked_body(bytes, body_start, header.body_len, header.body_crc32)?;
        let corrupt = |reason: String| BundleError::CorruptBody {
            offset: body_start,
            reason,
        };
        let wire =
            postcard::from_bytes::<WireDetails>(body_bytes).map_err(|e| corrupt(e.to_string()))?;
        let mut full = self.clone();
        wire.attach(&mut full.body).map_err(corrupt)?;
        Ok(full)
    }

    /// Decodes both files at once (the CLI and tests).
    pub fn decode_with_details(core: &[u8], details: &[u8]) -> Result<Bundle, BundleError> {
        let mut b = Self::decode(core)?;
        b.attach_details(details)?;
        Ok(b)
    }
}

/// `magic | version | postcard(head) | body`.
fn frame(magic: &[u8; 8], head: &impl Serialize, body: &[u8]) -> Result<Vec<u8>, BundleError> {
    let head = postcard::to_allocvec(head).map_err(|e| BundleError::Encode(e.to_string()))?;
    let mut out = Vec::with_capacity(PREFIX_LEN + head.len() + body.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&head);
    out.extend_from_slice(body);
    Ok(out)
}

/// Checks magic and version and decodes the header; returns it and where the body starts.
fn unframe<H: serde::de::DeserializeOwned>(
    bytes: &[u8],
    magic: &[u8; 8],
) -> Result<(H, usize), BundleError> {
    if bytes.len() < PREFIX_LEN {
        return Err(BundleError::TooShort { len: bytes.len() });
    }
    let (found, rest) = bytes.split_at(magic.len());
    if found != magic {
        return Err(BundleError::WrongMagic {
            found: String::from_utf8_lossy(found).into_owned(),
            expected: String::from_utf8_lossy(magic).into_owned(),
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
    let (header, remaining) =
        postcard::take_from_bytes::<H>(head_bytes).map_err(|e| BundleError::CorruptHeader {
            offset: PREFIX_LEN,
            reason: e.to_string(),
        })?;
    Ok((header, bytes.len() - remaining.len()))
}

/// The body bytes, checked against the header's length and checksum. Extra trailing bytes
/// are ignored only if the checksum still matches the promised length.
fn checked_body(bytes: &[u8], start: usize, len: u64, crc: u32) -> Result<&[u8], BundleError> {
    let body = &bytes[start..];
    if (body.len() as u64) < len {
        return Err(BundleError::Truncated {
            expected: len,
            found: body.len() as u64,
        });
    }
    let body = &body[..len as usize];
    let found = crc32(body);
    if found != crc {
        return Err(BundleError::ChecksumMismatch {
            expected: crc,
            found,
        });
    }
    Ok(body)
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
    use crate::catalog::{Catalog, Kind, Title};

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
        let mut b = sample();
        b.body.catalog.titles[0].description = "A heist crew and a detective.".into();
        b.body.catalog.index_terms();
        let bytes = b.encode().unwrap();
        let details = b.encode_details().unwrap();
        assert_eq!(b.encode_both().unwrap(), (bytes.clone(), details.clone()));
        let back = Bundle::decode_with_details(&bytes, &details).unwrap();
        assert_eq!(back.body, b.body);
        assert_eq!(back.header.data_week, "2026-07-19");
        assert_eq!(
            back.header.body_len as usize,
            bytes.len() - Bundle::read_header(&bytes).unwrap().1
        );
        let core = Bundle::decode(&bytes).unwrap();
        assert_eq!(core.body.catalog.titles[0].description, "");
        assert_eq!(core.body.catalog.terms, b.body.catalog.terms);
    }

    #[test]
    fn the_core_alone_recommends_exactly_as_the_full_catalog() {
        use crate::model::{Model, Weights};
        use crate::recommend::{recommend, Query};
        let body = Body {
            catalog: crate::synth::catalog(600, 11),
            ..Body::default()
        };
        let b = Bundle::new(body, "t", "w", "r");
        let core = Bundle::decode(&b.encode().unwrap()).unwrap();
        let (cf, cc) = (&b.body.catalog, &core.body.catalog);
        assert!(
            cc.people.len() < cf.people.len(),
            "single-credit people left out"
        );
        let mf = Model::build(cf, &Weights::default());
        let mc = Model::build(cc, &Weights::default());
        for q in (0..600).step_by(7) {
            let query = Query {
                liked: vec![q],
                k: 10,
                ..Query::default()
            };
            let (a, c) = (recommend(&mf, cf, &query), recommend(&mc, cc, &query));
            // Person ids differ (the core numbers fewer people): compare names.
            let key = |r: &[crate::recommend::Recommendation], c: &Catalog| {
                r.iter()
                    .map(|x| {
                        let e = &x.explanation;
                        let names = |v: &[u32]| {
                            v.iter()
                                .map(|&p| c.person(p).to_owned())
                                .collect::<Vec<_>>()
                        };
                        (
                            x.index,
                            x.score.to_bits(),
                            e.blocks.clone(),
                            names(&e.shared_directors),
                            names(&e.shared_cast),
                            e.shared_terms.clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            };
            assert_eq!(key(&a, cf), key(&c, cc), "query {q}");
        }
    }

    #[test]
    fn foreign_or_broken_details_are_refused_and_change_nothing() {
        let mut a = sample();
        let core_a = a.encode().unwrap();
        let details_a = a.encode_details().unwrap();
        a.body.catalog.titles[0].title = "Heat (1995)".into();
        let details_b = a.encode_details().unwrap();
        let mut core = Bundle::decode(&core_a).unwrap();
        let before = core.clone();
        let err = core.attach_details(&details_b).unwrap_err();
        assert!(matches!(err, BundleError::DetailsMismatch { .. }), "{err}");
        assert!(err.to_string().contains("another bundle"), "{err}");
        for cut in 0..details_a.len() {
            assert!(
                core.attach_details(&details_a[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        assert!(matches!(
            core.attach_details(&core_a),
            Err(BundleError::WrongMagic { .. })
        ));
        assert_eq!(
            core, before,
            "a refused details file leaves the bundle as it was"
        );
        core.attach_details(&details_a).unwrap();
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
