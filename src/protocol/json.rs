//! Compact JSON serialisation that writes exactly the bytes `serde_json::to_vec` writes,
//! with a faster string escaper: strings are scanned sixteen bytes at a time (vector
//! compares) for the bytes that need escaping (`"`, `\` and controls), where serde_json
//! looks every byte up in a table. Request conversion spends most of its time writing the
//! long texts of a conversation, so this is what [`crate::protocol::convert_request_bytes`]
//! uses. Numbers and every other scalar are written by serde_json itself, so only the
//! escaper and the punctuation are ours.

use serde::ser::{self, Serialize};
use std::fmt::{self, Display};

/// `serde_json::to_vec(value)`, faster for text-heavy values. `capacity`: of the buffer to
/// start with; an estimate of the output's size saves growing (and copying) it several
/// times for large values.
pub fn to_vec<T: Serialize + ?Sized>(value: &T, capacity: usize) -> serde_json::Result<Vec<u8>> {
    let mut w = Writer { out: Vec::with_capacity(capacity) };
    match value.serialize(&mut w) {
        Ok(()) => Ok(w.out),
        // Whatever this writer cannot express (non-string map keys it does not know),
        // serde_json decides: the same bytes, or the same error.
        Err(Unsupported) => serde_json::to_vec(value),
    }
}

/// Appends the JSON string literal for `s` (quotes included), escaped as serde_json does.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0; // first byte not yet copied
    let mut i = 0;
    while i < bytes.len() {
        // Sixteen bytes at a time while none needs escaping, then find the one that does.
        if let Some(c) = bytes.get(i..i + 16) {
            let (a, b) = c.split_at(8);
            let a = u64::from_le_bytes(a.try_into().expect("eight bytes"));
            let b = u64::from_le_bytes(b.try_into().expect("eight bytes"));
            let (a, b) = (escapes_in(a), escapes_in(b));
            if a | b == 0 {
                i += 16;
                continue;
            }
            // The lowest flagged byte is the first that needs escaping.
            i += if a != 0 { a.trailing_zeros() / 8 } else { 8 + b.trailing_zeros() / 8 } as usize;
        } else {
            while i < bytes.len() && !needs_escape(bytes[i]) {
                i += 1;
            }
            if i == bytes.len() {
                break;
            }
        }
        let b = bytes[i];
        out.extend_from_slice(&bytes[start..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x09 => out.extend_from_slice(b"\\t"),
            0x0A => out.extend_from_slice(b"\\n"),
            0x0C => out.extend_from_slice(b"\\f"),
            0x0D => out.extend_from_slice(b"\\r"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xF)]]);
            }
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A byte JSON strings must escape: a control byte, '"' or '\\'.
#[inline(always)]
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Nonzero when one of the eight bytes of `w` needs escaping (SWAR: a byte below 0x20,
/// or one that is zero after xor with '"' or '\\'). Exact as a yes/no answer, and its
/// lowest set bit is in the first such byte (little-endian): a borrow only runs upward,
/// from a byte that is flagged, so only bytes above the first flagged one can be wrong.
#[inline(always)]
fn escapes_in(w: u64) -> u64 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(LO * n) & !x & HI;
    below(w, 0x20) | below(w ^ (LO * u64::from(b'"')), 1) | below(w ^ (LO * u64::from(b'\\')), 1)
}

struct Writer {
    out: Vec<u8>,
}

impl Writer {
    /// A scalar written by serde_json's own serializer.
    fn json<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        v.serialize(&mut serde_json::Serializer::new(&mut self.out)).map_err(|_| Unsupported)
    }
}

/// Something this writer leaves to serde_json (see [`to_vec`]).
#[derive(Debug)]
pub struct Unsupported;

impl Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not supported by the fast JSON writer")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: Display>(_: T) -> Self {
        Unsupported
    }
}

type Res = Result<(), Unsupported>;

/// An array or object being written; `first` = no element written yet.
pub struct Compound<'a> {
    w: &'a mut Writer,
    first: bool,
}

impl Compound<'_> {
    fn comma(&mut self) {
        if !self.first {
            self.w.out.push(b',');
        }
        self.first = false;
    }
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Res {
        self.comma();
        write_str(&mut self.w.out, key);
        self.w.out.push(b':');
        value.serialize(&mut *self.w)
    }
}

impl<'a> ser::Serializer for &'a mut Writer {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, v: bool) -> Res {
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Res {
        self.json(&v)
    }
    fn serialize_i16(self, v: i16) -> Res {
        self.json(&v)
    }
    fn serialize_i32(self, v: i32) -> Res {
        self.json(&v)
    }
    fn serialize_i64(self, v: i64) -> Res {
        self.json(&v)
    }
    fn serialize_i128(self, v: i128) -> Res {
        self.json(&v)
    }
    fn serialize_u8(self, v: u8) -> Res {
        self.json(&v)
    }
    fn serialize_u16(self, v: u16) -> Res {
        self.json(&v)
    }
    fn serialize_u32(self, v: u32) -> Res {
        self.json(&v)
    }
    fn serialize_u64(self, v: u64) -> Res {
        self.json(&v)
    }
    fn serialize_u128(self, v: u128) -> Res {
        self.json(&v)
    }
    fn serialize_f32(self, v: f32) -> Res {
        self.json(&v)
    }
    fn serialize_f64(self, v: f64) -> Res {
        self.json(&v)
    }
    fn serialize_char(self, v: char) -> Res {
        write_str(&mut self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Res {
        write_str(&mut self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Res {
        self.json(v)
    }
    fn serialize_none(self) -> Res {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Res {
        self.out.extend_from_slice(b"null");
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Res {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Res {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Res {
        self.out.push(b'{');
        write_str(&mut self.out, variant);
        self.out.push(b':');
        value.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        self.out.push(b'[');
        Ok(Compound { w: self, first: true })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        self.out.push(b'{');
        write_str(&mut self.out, variant);
        self.out.extend_from_slice(b":[");
        Ok(Compound { w: self, first: true })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'a>, Unsupported> {
        self.out.push(b'{');
        Ok(Compound { w: self, first: true })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'a>, Unsupported> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'a>, Unsupported> {
        self.out.push(b'{');
        write_str(&mut self.out, variant);
        self.out.extend_from_slice(b":{");
        Ok(Compound { w: self, first: true })
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Res {
        self.serialize_str(&value.to_string())
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        self.comma();
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Res {
        self.w.out.push(b']');
        Ok(())
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Res {
        self.w.out.extend_from_slice(b"]}");
        Ok(())
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Res {
        self.comma();
        key.serialize(KeyWriter(&mut *self.w))?;
        self.w.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Res {
        value.serialize(&mut *self.w)
    }
    fn end(self) -> Res {
        self.w.out.push(b'}');
        Ok(())
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.field(key, value)
    }
    fn end(self) -> Res {
        self.w.out.push(b'}');
        Ok(())
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Res {
        self.field(key, value)
    }
    fn end(self) -> Res {
        self.w.out.extend_from_slice(b"}}");
        Ok(())
    }
}

/// Map keys: strings; anything else goes to serde_json (which quotes numbers and booleans).
struct KeyWriter<'a>(&'a mut Writer);

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<(), Unsupported>;
    type SerializeTuple = ser::Impossible<(), Unsupported>;
    type SerializeTupleStruct = ser::Impossible<(), Unsupported>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = ser::Impossible<(), Unsupported>;
    type SerializeStruct = ser::Impossible<(), Unsupported>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_str(self, v: &str) -> Res {
        write_str(&mut self.0.out, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Res {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Res {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Res {
        value.serialize(self)
    }
    fn collect_str<T: Display + ?Sized>(self, value: &T) -> Res {
        self.serialize_str(&value.to_string())
    }
    fn serialize_bool(self, _: bool) -> Res {
        Err(Unsupported)
    }
    fn serialize_i8(self, _: i8) -> Res {
        Err(Unsupported)
    }
    fn serialize_i16(self, _: i16) -> Res {
        Err(Unsupported)
    }
    fn serialize_i32(self, _: i32) -> Res {
        Err(Unsupported)
    }
    fn serialize_i64(self, _: i64) -> Res {
        Err(Unsupported)
    }
    fn serialize_u8(self, _: u8) -> Res {
        Err(Unsupported)
    }
    fn serialize_u16(self, _: u16) -> Res {
        Err(Unsupported)
    }
    fn serialize_u32(self, _: u32) -> Res {
        Err(Unsupported)
    }
    fn serialize_u64(self, _: u64) -> Res {
        Err(Unsupported)
    }
    fn serialize_f32(self, _: f32) -> Res {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Res {
        Err(Unsupported)
    }
    fn serialize_bytes(self, _: &[u8]) -> Res {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Res {
        Err(Unsupported)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Res {
        Err(Unsupported)
    }
    fn serialize_unit(self) -> Res {
        Err(Unsupported)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Res {
        Err(Unsupported)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Res {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::{json, Value};
    use std::collections::BTreeMap;

    fn same<T: Serialize + ?Sized>(v: &T) {
        let ours = to_vec(v, 0).map_err(|e| e.to_string());
        let theirs = serde_json::to_vec(v).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "for {:?}", theirs.as_ref().map(|b| String::from_utf8_lossy(b).into_owned()));
    }

    #[test]
    fn strings_escape_like_serde_json() {
        let all: String = (0u8..128).map(char::from).collect();
        same(&all);
        for c in (0u8..128).map(char::from).chain(['é', '\u{2028}', '\u{7f}', '🎉', '\u{ffff}']) {
            for len in 0..20 {
                for pos in 0..len {
                    let s: String = (0..len).map(|i| if i == pos { c } else { 'a' }).collect();
                    same(&s);
                }
            }
            same(&c);
        }
        // Pseudo-random strings dense in bytes that need escaping.
        let alphabet: Vec<char> = "ab \"\\\n\t\r\u{1}\u{1f}\u{8}\u{c}/é🎉\u{7f}".chars().collect();
        let mut x: u64 = 0x2545F4914F6CDD1D;
        for _ in 0..2000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 40) as usize;
            let s: String = (0..len).map(|i| alphabet[((x >> (i % 50)) as usize + i) % alphabet.len()]).collect();
            same(&s);
        }
    }

    #[derive(Serialize)]
    enum E {
        Unit,
        New(u8),
        Tuple(i32, f64),
        Struct { a: Option<String>, b: Vec<u8> },
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Pair(&'static str, char);

    #[derive(Serialize)]
    struct All<'a> {
        t: bool,
        i: (i8, i16, i32, i64, i128),
        u: (u8, u16, u32, u64, u128),
        f: [f64; 6],
        g: f32,
        c: char,
        #[serde(with = "bytes")]
        bytes: &'a [u8],
        none: Option<u8>,
        unit: (),
        unit_struct: Unit,
        pair: Pair,
        enums: Vec<E>,
        empty: Vec<u8>,
        empty_map: BTreeMap<String, u8>,
        #[serde(flatten)]
        extra: BTreeMap<String, Value>,
    }

    mod bytes {
        pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(b)
        }
    }

    #[test]
    fn every_shape_matches_serde_json() {
        let v = All {
            t: true,
            i: (-8, -16, -32, i64::MIN, i128::MIN),
            u: (8, 16, 32, u64::MAX, u128::MAX),
            f: [0.0, -0.0, 1.0, 1e300, f64::NAN, f64::INFINITY],
            g: 0.1,
            c: '"',
            bytes: &[0, 1, 255],
            none: None,
            unit: (),
            unit_struct: Unit,
            pair: Pair("p\n", '\\'),
            enums: vec![E::Unit, E::New(3), E::Tuple(-1, 2.5), E::Struct { a: Some("x".into()), b: vec![] }],
            empty: vec![],
            empty_map: BTreeMap::new(),
            extra: [("k\"".to_string(), json!({"n": [1, -2, 3.5, null, true, {}], "s": "\u{0}"}))].into(),
        };
        same(&v);
        // Non-string map keys: serde_json quotes numbers and booleans, rejects others.
        same(&BTreeMap::from([(1u32, "a"), (2, "b")]));
        same(&BTreeMap::from([(true, 1)]));
        same(&BTreeMap::from([((1, 2), 1)]));
        same(&json!({"a": [[], {}, [{}], ""], "b": 1.0, "c": -0.5e-10, "d": 12345678901234567890u64}));
    }

    #[test]
    fn golden_requests_and_outputs_match_serde_json() {
        let cases: Vec<Value> = serde_json::from_str(include_str!("../../tests/convert/golden.json")).unwrap();
        for c in &cases {
            same(c);
        }
    }
}
