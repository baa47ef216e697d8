//! Environments for `.http` files and `{{var}}` resolution.
//!
//! Beside a `.http` file: `http-client.env.json` (JetBrains: one object
//! per environment name), `http-client.private.env.json` (same shape, its
//! values override — secrets kept out of version control), and `.env`
//! (`KEY=value` lines, under every environment). `{{name}}` is looked up
//! in the file's variables, then the environment, then the process; one
//! that is nowhere is an error naming it, raised before anything is sent.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::http_file::HttpFile;
use crate::wire::RequestSpec;

/// Variable name → value.
pub type Map = BTreeMap<String, String>;

pub const ENV_FILE: &str = "http-client.env.json";
pub const PRIVATE_ENV_FILE: &str = "http-client.private.env.json";
pub const DOTENV_FILE: &str = ".env";

/// One named environment (`dev`, `prod`, …).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Environment {
    pub name: String,
    pub vars: Map,
}

/// Everything found beside a `.http` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Environments {
    /// Named environments, `$shared` excluded, in name order.
    pub envs: Vec<Environment>,
    /// `$shared`: under every named environment.
    pub shared: Map,
    /// `.env`: under everything else.
    pub dotenv: Map,
    /// The files that were read.
    pub files: Vec<PathBuf>,
}

impl Environments {
    pub fn names(&self) -> Vec<&str> {
        self.envs.iter().map(|e| e.name.as_str()).collect()
    }

    pub fn get(&self, name: &str) -> Option<&Environment> {
        self.envs.iter().find(|e| e.name == name)
    }

    /// The variables in force: `.env`, then `$shared`, then the named
    /// environment, later ones overriding. An unknown name is an error
    /// that lists the known ones.
    pub fn select(&self, name: Option<&str>) -> Result<Map, String> {
        let mut map = self.dotenv.clone();
        map.extend(self.shared.clone());
        if let Some(name) = name {
            let env = self.get(name).ok_or_else(|| {
                let known = self.names();
                if known.is_empty() {
                    format!("no environment {name:?}: no {ENV_FILE} defines any")
                } else {
                    format!("no environment {name:?} (known: {})", known.join(", "))
                }
            })?;
            map.extend(env.vars.clone());
        }
        Ok(map)
    }
}

/// Reads the environment files in `dir`; a missing file is fine, one that
/// does not parse is an error naming it.
pub fn load_environments(dir: &Path) -> Result<Environments, String> {
    let mut out = Environments::default();
    let mut named: BTreeMap<String, Map> = BTreeMap::new();
    for file in [ENV_FILE, PRIVATE_ENV_FILE] {
        let path = dir.join(file);
        let Some(text) = read_optional(&path)? else {
            continue;
        };
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not valid JSON: {e}", path.display()))?;
        let obj = json
            .as_object()
            .ok_or_else(|| format!("{}: expected an object of environments", path.display()))?;
        for (env, vars) in obj {
            let vars = vars.as_object().ok_or_else(|| {
                format!("{}: environment {env:?} is not an object", path.display())
            })?;
            let slot = named.entry(env.clone()).or_default();
            for (k, v) in vars {
                // Objects and arrays are client settings (SSL, auth), not
                // variables.
                let value = match v {
                    serde_json::Value::String(s) => s.clone(),
                    serde_json::Value::Number(n) => n.to_string(),
                    serde_json::Value::Bool(b) => b.to_string(),
                    serde_json::Value::Null => String::new(),
                    _ => continue,
                };
                slot.insert(k.clone(), value);
            }
        }
        out.files.push(path);
    }
    out.shared = named.remove("$shared").unwrap_or_default();
    out.envs = named
        .into_iter()
        .map(|(name, vars)| Environment { name, vars })
        .collect();
    let path = dir.join(DOTENV_FILE);
    if let Some(text) = read_optional(&path)? {
        out.dotenv = parse_dotenv(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        out.files.push(path);
    }
    Ok(out)
}

fn read_optional(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// `KEY=value` lines; `export KEY=…`, `#` comments, `'literal'` and
/// `"escaped\n"` values.
pub fn parse_dotenv(text: &str) -> Result<Map, String> {
    let mut map = Map::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let t = t.strip_prefix("export ").unwrap_or(t);
        let (k, v) = t
            .split_once('=')
            .ok_or_else(|| format!("line {}: expected KEY=value", n + 1))?;
        let v = v.trim();
        let value = if let Some(inner) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            inner
                .replace("\\n", "\n")
                .replace("\\t", "\t")
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
        } else if let Some(inner) = v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
            inner.to_string()
        } else {
            // An unquoted value ends at ` #`, a trailing comment.
            v.split(" #").next().unwrap_or_default().trim().to_string()
        };
        map.insert(k.trim().to_string(), value);
    }
    Ok(map)
}

/// A `{{name}}` that nothing defines (or that refers to itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedVar {
    pub name: String,
    /// Where it was looked for, or why it cannot resolve.
    pub detail: String,
}

impl fmt::Display for UnresolvedVar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unresolved variable {{{{{}}}}}: {}",
            self.name, self.detail
        )
    }
}

impl std::error::Error for UnresolvedVar {}

/// Replaces every `{{name}}` in `template`: file variables first (the
/// last definition wins, and its value may refer to other variables),
/// then `env`, then `process`. `{{$processEnv NAME}}`, `{{$env.NAME}}`,
/// `{{$dotenv NAME}}`, `{{$timestamp}}`, `{{$isoTimestamp}}`,
/// `{{$uuid}}` and `{{$randomInt}}` are the built-ins. Text with `{{`
/// but no `}}` is left as it is.
pub fn resolve(
    template: &str,
    file_vars: &[(String, String)],
    env: Option<&Map>,
    process: &dyn Fn(&str) -> Option<String>,
) -> Result<String, UnresolvedVar> {
    super::vars::expand(template, file_vars, env, process, 0)
}

/// The request `name_or_index` of `file` — a name, or a 1-based position
/// as the file lists them — with every variable resolved from the file,
/// the environment `env_name` (from the files in `dir`) and the process.
/// Any unresolved variable is an error naming it and the request.
pub fn spec_from_file(
    file: &HttpFile,
    name_or_index: &str,
    env_name: Option<&str>,
    dir: &Path,
) -> Result<RequestSpec, String> {
    let requests = file.requests();
    let by_name = requests
        .iter()
        .find(|r| r.name.as_deref() == Some(name_or_index));
    let by_pos = || {
        let n: usize = name_or_index.trim().trim_start_matches('#').parse().ok()?;
        requests.get(n.checked_sub(1)?)
    };
    let entry = by_name.or_else(by_pos).ok_or_else(|| {
        let names: Vec<&str> = requests.iter().filter_map(|r| r.name.as_deref()).collect();
        format!(
            "no request named {name_or_index:?} (the file has {} requests{}{})",
            requests.len(),
            if names.is_empty() { "" } else { "; named: " },
            names.join(", ")
        )
    })?;
    let label = match &entry.name {
        Some(n) => format!("request {n:?} (line {})", entry.line),
        None => format!("request #{} (line {})", entry.index + 1, entry.line),
    };
    let envs = load_environments(dir)?;
    let map = envs.select(env_name)?;
    let vars = file.variables();
    let process = |n: &str| std::env::var(n).ok();
    let r = |s: &str| resolve(s, &vars, Some(&map), &process).map_err(|e| format!("{label}: {e}"));
    let mut url = r(&entry.url)?;
    if !url.contains("://") {
        url = format!("http://{url}");
    }
    url::Url::parse(&url).map_err(|e| format!("{label}: URL {url:?} is not valid: {e}"))?;
    let mut spec = RequestSpec::get(url);
    spec.method = entry.method.clone();
    for (n, v) in &entry.headers {
        spec.headers.push((r(n)?, r(v)?));
    }
    if let Some(body) = &entry.body {
        spec.body = Some(match body_file(body) {
            Some((path, substitute)) => {
                let path = dir.join(r(path)?);
                let bytes = super::files::read_body_file(&path).map_err(|e| {
                    format!("{label}: cannot read body file {}: {e}", path.display())
                })?;
                match (substitute, String::from_utf8(bytes)) {
                    (true, Ok(text)) => r(&text)?.into_bytes(),
                    (_, Ok(text)) => text.into_bytes(),
                    (_, Err(raw)) => raw.into_bytes(),
                }
            }
            None => r(body)?.into_bytes(),
        });
    }
    Ok(spec)
}

/// Reads a `.http` file from disk and builds request `name_or_index`,
/// with the environment files beside it.
pub fn spec_from_path(
    path: &Path,
    name_or_index: &str,
    env_name: Option<&str>,
) -> Result<RequestSpec, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    spec_from_file(&HttpFile::parse(&text), name_or_index, env_name, dir)
}

/// `< path` (body from a file) or `<@ path` (and substitute variables in
/// it), JetBrains' syntax for a body kept in another file.
fn body_file(body: &str) -> Option<(&str, bool)> {
    let t = body.trim();
    if t.contains('\n') {
        return None;
    }
    if let Some(p) = t.strip_prefix("<@") {
        return Some((p.trim(), true));
    }
    t.strip_prefix("< ").map(|p| (p.trim(), false))
}
