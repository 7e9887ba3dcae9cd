//! The column encodings every table uses: strings as lengths plus text, front-coded sorted
//! ids, lists as lengths plus values, rounded counts, scaled floats, dictionary-coded strings.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::WireError;

/// Strings as one length column and one text column.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct StrCol {
    pub(super) lens: Vec<u32>,
    pub(super) text: String,
}

impl StrCol {
    pub(super) fn push(&mut self, s: &str) {
        self.lens.push(s.len() as u32);
        self.text.push_str(s);
    }

    pub(super) fn reader(&self) -> StrReader<'_> {
        StrReader {
            col: self,
            next: 0,
            pos: 0,
        }
    }
}

pub(super) struct StrReader<'a> {
    pub(super) col: &'a StrCol,
    pub(super) next: usize,
    pub(super) pos: usize,
}

impl<'a> StrReader<'a> {
    pub(super) fn next(&mut self) -> Result<&'a str, WireError> {
        let len = *self
            .col
            .lens
            .get(self.next)
            .ok_or("string column too short")? as usize;
        let end = self.pos.checked_add(len).ok_or("string length overflow")?;
        let s = self
            .col
            .text
            .get(self.pos..end)
            .ok_or("string column text cut or split inside a character")?;
        self.next += 1;
        self.pos = end;
        Ok(s)
    }
}

/// Sorted strings, front-coded: bytes shared with the previous string, then the rest.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct FrontCol {
    pub(super) shared: Vec<u32>,
    pub(super) rest: StrCol,
}

impl FrontCol {
    pub(super) fn encode<'a>(items: impl Iterator<Item = &'a str>) -> FrontCol {
        let mut out = FrontCol::default();
        let mut prev = "";
        for s in items {
            let mut n = prev
                .bytes()
                .zip(s.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            while !s.is_char_boundary(n) {
                n -= 1;
            }
            out.shared.push(n as u32);
            out.rest.push(&s[n..]);
            prev = s;
        }
        out
    }

    pub(super) fn decode(&self) -> Result<Vec<String>, WireError> {
        let mut r = self.rest.reader();
        let mut out: Vec<String> = Vec::with_capacity(self.shared.len());
        for &n in &self.shared {
            let prev = out.last().map_or("", String::as_str);
            let head = prev
                .get(..n as usize)
                .ok_or("front-coded prefix longer than the previous string")?;
            let mut s = String::with_capacity(head.len() + 16);
            s.push_str(head);
            s.push_str(r.next()?);
            out.push(s);
        }
        Ok(out)
    }
}

/// Lists of integers as one length column and one value column.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct ListCol {
    pub(super) lens: Vec<u32>,
    pub(super) values: Vec<u32>,
}

impl ListCol {
    pub(super) fn push(&mut self, v: &[u32]) {
        self.lens.push(v.len() as u32);
        self.values.extend_from_slice(v);
    }
}

/// Cuts the next `len` items off a value column.
pub(super) fn take<'a, T>(
    values: &'a [T],
    pos: &mut usize,
    len: u32,
) -> Result<&'a [T], WireError> {
    let end = pos
        .checked_add(len as usize)
        .ok_or("list length overflow")?;
    let s = values.get(*pos..end).ok_or("list column too short")?;
    *pos = end;
    Ok(s)
}

pub(super) fn at<T: Copy>(v: &[T], i: usize, what: &str) -> Result<T, WireError> {
    v.get(i)
        .copied()
        .ok_or_else(|| format!("{what} column too short"))
}

/// `Option<u32>`-like values as `0` for none and `v + 1` otherwise.
pub(super) fn opt_u64(v: Option<u64>) -> u64 {
    v.map_or(0, |x| x.saturating_add(1))
}

pub(super) fn un_opt_u64(v: u64) -> Option<u64> {
    v.checked_sub(1)
}

/// A large count as `mantissa << 4 | trailing decimal zeros` (Netflix rounds hours and
/// views to 10^4–10^5, so the mantissa is short). Values that do not fit are stored with
/// the escape `zeros = 15` followed by nothing lost: the mantissa is then the value.
pub(super) fn pack_round(v: u64) -> u64 {
    let (mut m, mut z) = (v, 0u64);
    while m != 0 && m % 10 == 0 && z < 14 {
        m /= 10;
        z += 1;
    }
    match m.checked_mul(16) {
        Some(x) => x | z,
        None => u64::MAX, // escape: the raw value follows in `big`
    }
}

pub(super) fn unpack_round(v: u64, big: &[u64], big_pos: &mut usize) -> Result<u64, WireError> {
    if v == u64::MAX {
        let x = at(big, *big_pos, "large-number")?;
        *big_pos += 1;
        return Ok(x);
    }
    let (m, z) = (v >> 4, (v & 15) as u32);
    10u64
        .checked_pow(z)
        .and_then(|p| m.checked_mul(p))
        .ok_or_else(|| "packed number overflows".to_owned())
}

/// A column of large counts, rounded-number packed, with an escape list for the rest.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct CountCol {
    pub(super) packed: Vec<u64>,
    pub(super) big: Vec<u64>,
}

impl CountCol {
    pub(super) fn push(&mut self, v: u64) {
        let p = pack_round(v);
        if p == u64::MAX {
            self.big.push(v);
        }
        self.packed.push(p);
    }
}

pub(super) struct CountReader<'a> {
    pub(super) col: &'a CountCol,
    pub(super) next: usize,
    pub(super) big: usize,
}

impl CountReader<'_> {
    pub(super) fn next(&mut self) -> Result<u64, WireError> {
        let v = at(&self.col.packed, self.next, "count")?;
        self.next += 1;
        unpack_round(v, &self.col.big, &mut self.big)
    }
}

/// Optional floats stored as integers at a fixed decimal scale when that is exact
/// (`0` none, `1` raw bits in `raw`, `k + 2` for `k / scale`).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct FloatCol {
    pub(super) scale: u32,
    pub(super) codes: Vec<u32>,
    pub(super) raw: Vec<u32>,
}

impl FloatCol {
    pub(super) fn new(scale: u32) -> FloatCol {
        FloatCol {
            scale,
            ..FloatCol::default()
        }
    }

    pub(super) fn push(&mut self, v: Option<f32>) {
        let Some(x) = v else {
            self.codes.push(0);
            return;
        };
        let k = (f64::from(x) * f64::from(self.scale)).round();
        if (0.0..1e7).contains(&k) && (k as u32 as f32 / self.scale as f32).to_bits() == x.to_bits()
        {
            self.codes.push(k as u32 + 2);
        } else {
            self.codes.push(1);
            self.raw.push(x.to_bits());
        }
    }

    pub(super) fn reader(&self) -> FloatReader<'_> {
        FloatReader {
            col: self,
            next: 0,
            raw: 0,
        }
    }
}

pub(super) struct FloatReader<'a> {
    pub(super) col: &'a FloatCol,
    pub(super) next: usize,
    pub(super) raw: usize,
}

impl FloatReader<'_> {
    pub(super) fn next(&mut self) -> Result<Option<f32>, WireError> {
        let c = at(&self.col.codes, self.next, "float")?;
        self.next += 1;
        Ok(match c {
            0 => None,
            1 => {
                let bits = at(&self.col.raw, self.raw, "raw float")?;
                self.raw += 1;
                Some(f32::from_bits(bits))
            }
            k => Some((k - 2) as f32 / self.col.scale.max(1) as f32),
        })
    }
}

/// Optional strings drawn from a small set: a table plus `0` none / `i + 1` per row.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct DictCol {
    pub(super) table: Vec<String>,
    pub(super) codes: Vec<u32>,
}

impl DictCol {
    pub(super) fn encode<'a>(items: impl Iterator<Item = Option<&'a str>>) -> DictCol {
        let mut out = DictCol::default();
        let mut ix: HashMap<&'a str, u32> = HashMap::new();
        for s in items {
            let code = match s {
                None => 0,
                Some(s) => *ix.entry(s).or_insert_with(|| {
                    out.table.push(s.to_owned());
                    out.table.len() as u32
                }),
            };
            out.codes.push(code);
        }
        out
    }

    pub(super) fn get(&self, i: usize) -> Result<Option<String>, WireError> {
        match at(&self.codes, i, "dictionary")? {
            0 => Ok(None),
            c => self
                .table
                .get(c as usize - 1)
                .cloned()
                .map(Some)
                .ok_or_else(|| "dictionary code out of range".to_owned()),
        }
    }
}
