//! `{{var}}` expansion: the lookup order, the built-in `$` variables, and
//! the depth limit that turns a definition cycle into an error instead of
//! a stack overflow.

use std::hash::{BuildHasher, Hasher};
use std::time::SystemTime;

use super::env::{Map, UnresolvedVar};

/// Variables referring to variables deeper than this are a cycle.
const MAX_DEPTH: usize = 16;

/// Longest text a template may expand to.
const MAX_EXPANDED: usize = 1024 * 1024;

pub(super) fn expand(
    template: &str,
    file_vars: &[(String, String)],
    env: Option<&Map>,
    process: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Result<String, UnresolvedVar> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = rest[open + 2..open + 2 + close].trim();
        out.push_str(&lookup(name, file_vars, env, process, depth)?);
        if out.len() > MAX_EXPANDED {
            // Variables that repeat each other grow exponentially with depth.
            return Err(UnresolvedVar {
                name: name.to_string(),
                detail: format!("the expansion grows past {} KiB", MAX_EXPANDED / 1024),
            });
        }
        rest = &rest[open + 2 + close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn lookup(
    name: &str,
    file_vars: &[(String, String)],
    env: Option<&Map>,
    process: &dyn Fn(&str) -> Option<String>,
    depth: usize,
) -> Result<String, UnresolvedVar> {
    let unresolved = |detail: String| UnresolvedVar {
        name: name.to_string(),
        detail,
    };
    if depth >= MAX_DEPTH {
        return Err(unresolved(
            "variables refer to each other in a cycle".into(),
        ));
    }
    if let Some(builtin) = name.strip_prefix('$') {
        return dynamic(builtin, env, process).ok_or_else(|| {
            unresolved("not a known built-in, or the variable it names is not set".into())
        });
    }
    let nested = |v: &str| expand(v, file_vars, env, process, depth + 1);
    if let Some((_, v)) = file_vars.iter().rev().find(|(n, _)| n == name) {
        return nested(v);
    }
    if let Some(v) = env.and_then(|m| m.get(name)) {
        return nested(v);
    }
    if let Some(v) = process(name) {
        return Ok(v);
    }
    Err(unresolved(format!(
        "not a file variable{}, nor a process environment variable",
        if env.is_some() {
            ", not in the environment"
        } else {
            ""
        }
    )))
}

/// The built-ins both JetBrains and VS Code clients know, in either
/// spelling.
fn dynamic(
    builtin: &str,
    env: Option<&Map>,
    process: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut words = builtin.split_whitespace();
    let head = words.next()?;
    if let Some(var) = head.strip_prefix("env.") {
        return process(var);
    }
    match head {
        "processEnv" => process(words.next()?),
        "dotenv" => env?.get(words.next()?).cloned(),
        "timestamp" => Some(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                .to_string(),
        ),
        "isoTimestamp" => Some(super::time::rfc3339(SystemTime::now())),
        "uuid" | "guid" | "random.uuid" => Some(uuid_v4()),
        "randomInt" | "random.integer" => {
            let lo: i64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(0);
            let hi: i64 = words.next().and_then(|w| w.parse().ok()).unwrap_or(1000);
            let span = (hi - lo).max(1) as u64;
            Some((lo + (random() % span) as i64).to_string())
        }
        _ => None,
    }
}

/// Unpredictable enough for test data (request ids, unique names); not
/// for secrets. std's `RandomState` is seeded per process from the OS.
fn random() -> u64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.finish()
}

fn uuid_v4() -> String {
    let (a, b) = (random(), random());
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&a.to_be_bytes());
    bytes[8..].copy_from_slice(&b.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_process(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn builtins_and_cycles() {
        let u = expand("{{$uuid}}", &[], None, &no_process, 0).unwrap_or_default();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let vars = vec![
            ("a".to_string(), "{{b}}".to_string()),
            ("b".into(), "{{a}}".into()),
        ];
        let e = expand("{{a}}", &vars, None, &no_process, 0).err();
        assert!(e.is_some_and(|e| e.detail.contains("cycle")));
        assert_eq!(
            expand("x {{ y", &[], None, &no_process, 0).ok().as_deref(),
            Some("x {{ y")
        );
    }
}
