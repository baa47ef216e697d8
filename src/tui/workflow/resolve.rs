//! `{{var}}` in a request loaded from an `.http` file, resolved when it is
//! sent (or exported): file variables first, then the chosen environment
//! (`.env` and `$shared` under it), then the process environment, as
//! `formats::resolve` orders them. A variable found nowhere is an error
//! naming it and the request, and nothing is sent. The form keeps the
//! templates, so what is written back to the file keeps them too.

use ratatui_textarea::TextArea;

use super::collection::Collection;
use crate::formats::{resolve, Map};
use crate::tui::form::RequestForm;
use crate::wire::RequestSpec;

impl Collection {
    fn vars(&self) -> Result<(Vec<(String, String)>, Map), String> {
        let map = self.envs.select(self.env.as_deref())?;
        Ok((self.file.variables(), map))
    }

    fn context(&self) -> String {
        let what = self.loaded.map_or_else(String::new, |i| self.label(i));
        match &self.env {
            Some(env) => format!("{what} (environment {env:?})"),
            None => what,
        }
    }

    /// The form's request with every variable resolved; `< file` and
    /// `<@ file` bodies are read (relative to the `.http` file).
    pub fn resolved_spec(&self, form: &RequestForm) -> Result<RequestSpec, String> {
        let (vars, map) = self.vars()?;
        let ctx = self.context();
        let process = |n: &str| std::env::var(n).ok();
        let r =
            |s: &str| resolve(s, &vars, Some(&map), &process).map_err(|e| format!("{ctx}: {e}"));
        let mut f = form.clone();
        let mut url = r(f.url.trim())?;
        if !url.is_empty() && !url.contains("://") {
            url = format!("http://{url}");
        }
        f.url = url;
        for h in f.headers.iter_mut().filter(|h| h.enabled) {
            h.name = r(&h.name)?;
            h.value = r(&h.value)?;
        }
        let body = f.body_text();
        let from_file = body_file(&body);
        match from_file {
            Some(_) => f.body = TextArea::default(),
            None if body.contains("{{") => {
                f.body = TextArea::new(r(&body)?.split('\n').map(str::to_string).collect())
            }
            None => {}
        }
        let mut spec = f.spec()?;
        if let Some((path, substitute)) = from_file {
            let path = self.dir.join(r(path)?);
            let bytes = std::fs::read(&path).map_err(|e| {
                format!(
                    "{ctx}: cannot read body file {}: {e}",
                    super::atomic::shown(&path)
                )
            })?;
            let mut bytes = match (substitute, String::from_utf8(bytes)) {
                (true, Ok(text)) => r(&text)?.into_bytes(),
                (_, Ok(text)) => text.into_bytes(),
                (_, Err(raw)) => raw.into_bytes(),
            };
            if let Some(c) = form.compress {
                bytes = crate::decode::coding::encode(c, &bytes)
                    .map_err(|e| format!("cannot compress the body with {c}: {e}"))?;
                let named = spec
                    .headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case("content-encoding"));
                if !named {
                    spec.headers
                        .push(("Content-Encoding".into(), c.name().into()));
                }
            }
            spec.body = Some(bytes);
        }
        Ok(spec)
    }

    /// The first variable of the loaded request that does not resolve
    /// (body files are not read): shown before anything is sent.
    pub fn unresolved(&self, form: &RequestForm) -> Option<String> {
        self.loaded?;
        let (vars, map) = match self.vars() {
            Ok(v) => v,
            Err(e) => return Some(e),
        };
        let process = |n: &str| std::env::var(n).ok();
        let body = form.body_text();
        let texts = std::iter::once(form.url.as_str())
            .chain(
                form.headers
                    .iter()
                    .filter(|h| h.enabled)
                    .flat_map(|h| [h.name.as_str(), h.value.as_str()]),
            )
            .chain(
                body_file(&body)
                    .map_or(body.as_str(), |(p, _)| p)
                    .lines()
                    .take(1000),
            );
        for t in texts {
            if let Err(e) = resolve(t, &vars, Some(&map), &process) {
                return Some(format!("{{{{{}}}}}: {}", e.name, e.detail));
            }
        }
        None
    }
}

/// `< path` (the body is that file) or `<@ path` (and substitute
/// variables in it), JetBrains' syntax for a body kept in another file.
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
