//! A small jq-like path filter for JSON bodies: `.`, `.key`, `."odd key"`,
//! `["key"]`, `[0]`, `[-1]` and `[]` (every element or value), chained:
//! `.items[0].id`, `.data[].name`. Semantics follow jq: a missing key or
//! index gives `null`, indexing a value of the wrong type is an error.
//! Must not import the terminal crates.

use serde_json::Value;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(i64),
    Iterate,
}

/// A parsed path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub steps: Vec<Step>,
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '$'
}

/// Parses a path; `Err` says what is wrong and where (column from 1).
pub fn parse(text: &str) -> Result<Path, String> {
    let s: Vec<char> = text.trim().chars().collect();
    let err = |at: usize, what: &str| Err(format!("{what} at column {}", at + 1));
    if s.first() != Some(&'.') {
        return err(0, "a path starts with '.' (like .items[0].id)");
    }
    let mut steps = Vec::new();
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            '.' => {
                i += 1;
                match s.get(i) {
                    None if steps.is_empty() => {}
                    Some('[') => {}
                    Some('"') => {
                        let (key, next) = quoted(&s, i)?;
                        steps.push(Step::Key(key));
                        i = next;
                    }
                    Some(c) if ident_char(*c) => {
                        let start = i;
                        while i < s.len() && ident_char(s[i]) {
                            i += 1;
                        }
                        steps.push(Step::Key(s[start..i].iter().collect()));
                    }
                    _ => return err(i, "expected a key or '[' after '.'"),
                }
            }
            '[' => {
                i += 1;
                match s.get(i) {
                    Some(']') => {
                        steps.push(Step::Iterate);
                        i += 1;
                    }
                    Some('"') => {
                        let (key, next) = quoted(&s, i)?;
                        if s.get(next) != Some(&']') {
                            return err(next, "expected ']'");
                        }
                        steps.push(Step::Key(key));
                        i = next + 1;
                    }
                    _ => {
                        let start = i;
                        while i < s.len() && (s[i] == '-' || s[i].is_ascii_digit()) {
                            i += 1;
                        }
                        let num: String = s[start..i].iter().collect();
                        let Ok(n) = num.parse::<i64>() else {
                            return err(start, "expected a number, \"key\" or nothing inside []");
                        };
                        if s.get(i) != Some(&']') {
                            return err(i, "expected ']'");
                        }
                        steps.push(Step::Index(n));
                        i += 1;
                    }
                }
            }
            c if c.is_whitespace() => return err(i, "unexpected space"),
            _ => return err(i, "expected '.' or '['"),
        }
    }
    Ok(Path { steps })
}

/// A `"..."` key starting at `s[at]`; returns it and the index after it.
fn quoted(s: &[char], at: usize) -> Result<(String, usize), String> {
    let mut key = String::new();
    let mut i = at + 1;
    while i < s.len() {
        match s[i] {
            '"' => return Ok((key, i + 1)),
            '\\' if i + 1 < s.len() => {
                key.push(s[i + 1]);
                i += 2;
            }
            c => {
                key.push(c);
                i += 1;
            }
        }
    }
    Err(format!("unclosed quote at column {}", at + 1))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

const NULL: Value = Value::Null;

/// The values `path` selects in `root`.
pub fn eval<'a>(path: &Path, root: &'a Value) -> Result<Vec<&'a Value>, String> {
    let mut current = vec![root];
    for step in &path.steps {
        let mut next = Vec::new();
        for v in current {
            match (step, v) {
                (Step::Key(k), Value::Object(m)) => next.push(m.get(k).unwrap_or(&NULL)),
                (Step::Key(_) | Step::Index(_), Value::Null) => next.push(&NULL),
                (Step::Key(k), other) => {
                    return Err(format!("cannot index {} with \"{k}\"", type_name(other)))
                }
                (Step::Index(i), Value::Array(a)) => {
                    let at = if *i < 0 { a.len() as i64 + i } else { *i };
                    next.push(
                        usize::try_from(at)
                            .ok()
                            .and_then(|at| a.get(at))
                            .unwrap_or(&NULL),
                    );
                }
                (Step::Index(_), other) => {
                    return Err(format!("cannot index {} with a number", type_name(other)))
                }
                (Step::Iterate, Value::Array(a)) => next.extend(a.iter()),
                (Step::Iterate, Value::Object(m)) => next.extend(m.values()),
                (Step::Iterate, other) => {
                    return Err(format!("cannot iterate over {}", type_name(other)))
                }
            }
        }
        current = next;
    }
    Ok(current)
}

/// Applies `path` to a JSON document: the selected values, one compact
/// JSON text per line (key order kept), and how many there are.
pub fn filter(json: &[u8], path: &Path) -> Result<(String, usize), String> {
    let root: Value = serde_json::from_slice(json).map_err(|e| {
        if e.to_string().contains("recursion limit") {
            "JSON nested deeper than 128 levels".to_string()
        } else {
            format!("not valid JSON: {e}")
        }
    })?;
    let found = eval(path, &root)?;
    let mut out = String::new();
    for v in &found {
        out.push_str(&serde_json::to_string(v).map_err(|e| e.to_string())?);
        out.push('\n');
    }
    Ok((out, found.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(path: &str, v: &Value) -> Result<Vec<Value>, String> {
        Ok(eval(&parse(path)?, v)?.into_iter().cloned().collect())
    }

    #[test]
    fn paths_parse() {
        assert_eq!(parse(".").unwrap().steps, []);
        assert_eq!(
            parse(".items[0].id").unwrap().steps,
            [
                Step::Key("items".into()),
                Step::Index(0),
                Step::Key("id".into())
            ]
        );
        assert_eq!(
            parse(".data[].name").unwrap().steps,
            [
                Step::Key("data".into()),
                Step::Iterate,
                Step::Key("name".into())
            ]
        );
        assert_eq!(
            parse(r#"."a b"["c"].[-1]"#).unwrap().steps,
            [
                Step::Key("a b".into()),
                Step::Key("c".into()),
                Step::Index(-1)
            ]
        );
        assert!(parse("items").unwrap_err().contains("starts with '.'"));
        assert!(parse(".a[x]").unwrap_err().contains("column 4"));
        assert!(parse(".a[0").unwrap_err().contains("expected ']'"));
        assert!(parse(".\"open").unwrap_err().contains("unclosed"));
        assert!(parse(".a..b").is_err());
    }

    #[test]
    fn evaluation_follows_jq() {
        let v = json!({"items": [{"id": 1, "name": "a"}, {"id": 2}], "data": {"x": {"name": "n"}}});
        assert_eq!(run(".items[0].id", &v).unwrap(), [json!(1)]);
        assert_eq!(run(".items[].name", &v).unwrap(), [json!("a"), json!(null)]);
        assert_eq!(run(".items[-1]", &v).unwrap(), [json!({"id": 2})]);
        assert_eq!(run(".items[9]", &v).unwrap(), [json!(null)]);
        assert_eq!(run(".data[].name", &v).unwrap(), [json!("n")]);
        assert_eq!(run(".missing.deeper", &v).unwrap(), [json!(null)]);
        assert_eq!(run(".", &v).unwrap(), std::slice::from_ref(&v));
        assert!(run(".items.id", &v)
            .unwrap_err()
            .contains("cannot index array"));
        assert!(run(".items[0].id[]", &v)
            .unwrap_err()
            .contains("cannot iterate over number"));
    }

    #[test]
    fn filtering_keeps_key_order_and_counts() {
        let (out, n) = filter(
            br#"{"d":[{"z":1,"a":2},{"z":3,"a":4}]}"#,
            &parse(".d[]").unwrap(),
        )
        .unwrap();
        assert_eq!(n, 2);
        assert_eq!(out, "{\"z\":1,\"a\":2}\n{\"z\":3,\"a\":4}\n");
        let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
        assert!(filter(deep.as_bytes(), &parse(".").unwrap())
            .unwrap_err()
            .contains("deeper than 128"));
    }
}
