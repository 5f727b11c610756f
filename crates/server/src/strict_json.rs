//! JSON bodies read strictly where the wire types say "object": serde's derived structs also
//! accept a JSON array of their fields in declaration order (`{"metrics": []}` would be an empty
//! `MetricsBody`, `[null, null]` an `AddProjectRequest`), which no client means and the OpenAPI
//! document does not allow. [`Strict`] is a deserializer over a parsed [`Value`] that behaves
//! like `Value`'s own, except that a struct can only come from an object, at any depth.
//! (Schemathesis found the top-level case; this closes the nested ones too.)

use serde::de::value::StringDeserializer;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use serde_json::{Error, Map, Value};

/// A parsed JSON value to deserialize from, structs only from objects.
pub struct Strict(pub Value);

impl<'de> de::Deserializer<'de> for Strict {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visitor.visit_seq(Items(items.into_iter())),
            Value::Object(map) => visitor.visit_map(Fields::new(map)),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Strict(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Fields::new(map)),
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct Items(std::vec::IntoIter<Value>);

impl<'de> SeqAccess<'de> for Items {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        self.0
            .next()
            .map(|v| seed.deserialize(Strict(v)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

struct Fields {
    iter: serde_json::map::IntoIter,
    value: Option<Value>,
}

impl Fields {
    fn new(map: Map<String, Value>) -> Self {
        Fields {
            iter: map.into_iter(),
            value: None,
        }
    }
}

impl<'de> MapAccess<'de> for Fields {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        let key: StringDeserializer<Error> = key.into_deserializer();
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("value requested before its key"))?;
        seed.deserialize(Strict(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        #[serde(default)]
        a: Option<u32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        name: String,
        #[serde(default)]
        inner: Option<Inner>,
        #[serde(default)]
        list: Vec<Inner>,
        #[serde(default)]
        map: BTreeMap<String, String>,
        #[serde(default)]
        any: Option<Value>,
    }

    fn read<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, Error> {
        T::deserialize(Strict(serde_json::from_str(json).unwrap()))
    }

    #[test]
    fn objects_read_as_before() {
        let v: Outer = read(
            r#"{"name": "n", "inner": {"a": 1}, "list": [{}, {"a": 2}], "map": {"k": "v"},
                "any": [1, {"x": null}]}"#,
        )
        .unwrap();
        assert_eq!(v.inner, Some(Inner { a: Some(1) }));
        assert_eq!(v.list, [Inner { a: None }, Inner { a: Some(2) }]);
        assert_eq!(v.map["k"], "v");
        assert_eq!(v.any, Some(serde_json::json!([1, {"x": null}])));
        let v: Outer = read(r#"{"name": "n", "inner": null}"#).unwrap();
        assert_eq!(v.inner, None);
        assert!(read::<Outer>(r#"{"name": "n", "extra": 1}"#).is_err());
        assert!(read::<Outer>(r#"{"name": 5}"#).is_err());
    }

    #[test]
    fn structs_never_come_from_arrays() {
        for json in [
            r#"["n"]"#,
            r#"{"name": "n", "inner": []}"#,
            r#"{"name": "n", "inner": [1]}"#,
            r#"{"name": "n", "list": [[3]]}"#,
        ] {
            assert!(read::<Outer>(json).is_err(), "{json}");
        }
        // serde_json itself takes them.
        assert!(serde_json::from_str::<Outer>(r#"{"name": "n", "inner": []}"#).is_ok());
    }
}
