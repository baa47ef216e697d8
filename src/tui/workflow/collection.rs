//! An `.http` file opened in the TUI (`wirescope FILE.http`): its requests
//! (the Collection pane lists them), the environments beside it and the
//! one chosen, which request the Request pane holds, and writing an edited
//! request back. Only that request's lines change (`HttpFile::
//! replace_request`); comments, variables, order and every other byte of
//! the file stay as they were, and the write is atomic.

use std::path::{Path, PathBuf};

use super::atomic;
use crate::formats::{load_environments, Environments, HttpFile, HttpRequestEntry};
use crate::tui::form::RequestForm;

/// The open file and what the UI does with it.
#[derive(Debug, Clone)]
pub struct Collection {
    pub path: PathBuf,
    /// Where environment files and `< body` files are looked up.
    pub dir: PathBuf,
    pub file: HttpFile,
    /// The text as read or last written: a file changed by someone else
    /// since is noticed before it is overwritten.
    text: String,
    pub envs: Environments,
    /// The environment chosen (`--env`, `E`), if any.
    pub env: Option<String>,
    /// Why the environment files could not be read, if they could not.
    pub env_error: Option<String>,
    /// The row picked in the Collection pane.
    pub cursor: usize,
    /// The request the Request pane holds (index among the requests).
    pub loaded: Option<usize>,
    /// Enter was pressed once on this row over unsaved edits.
    pub confirm: Option<usize>,
}

/// A request as the form holds it, in the file's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl Parts {
    /// What the form would write: switched-off headers are left out (the
    /// format has no such thing), an empty body is no body.
    pub fn of_form(form: &RequestForm) -> Parts {
        let body = form.body_text();
        Parts {
            method: form.method.clone(),
            url: form.url.trim().to_string(),
            headers: form
                .headers
                .iter()
                .filter(|h| h.enabled && !h.name.is_empty())
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect(),
            body: (!body.is_empty()).then_some(body),
        }
    }

    fn of_entry(e: &HttpRequestEntry) -> Parts {
        Parts {
            method: e.method.clone(),
            url: e.url.clone(),
            headers: e.headers.clone(),
            body: e.body.as_ref().map(|b| b.replace("\r\n", "\n")),
        }
    }
}

impl Collection {
    /// Reads and parses `path` and the environment files beside it. A
    /// broken environment file is reported (`env_error`), not fatal.
    pub fn open(path: &Path) -> Result<Collection, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", atomic::shown(path)))?;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let (envs, env_error) = match load_environments(&dir) {
            Ok(e) => (e, None),
            Err(e) => (Environments::default(), Some(e)),
        };
        Ok(Collection {
            path: path.to_path_buf(),
            dir,
            file: HttpFile::parse(&text),
            text,
            envs,
            env: None,
            env_error,
            cursor: 0,
            loaded: None,
            confirm: None,
        })
    }

    /// The file's name, for titles.
    pub fn name(&self) -> String {
        let name = self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        crate::report::escape::sanitize_text(&name)
    }

    pub fn requests(&self) -> Vec<HttpRequestEntry> {
        self.file.requests()
    }

    /// Picks the environment (`None`: none); an unknown name is an error
    /// listing the known ones.
    pub fn set_env(&mut self, name: Option<&str>) -> Result<(), String> {
        self.envs.select(name)?;
        self.env = name.map(str::to_string);
        Ok(())
    }

    /// `request "login" (line 12)` or `request #2 (line 7)`.
    pub fn label(&self, i: usize) -> String {
        match self.requests().get(i) {
            Some(e) => label(e),
            None => format!("request #{}", i + 1),
        }
    }

    /// The form differs from the loaded request as the file has it.
    pub fn is_dirty(&self, form: &RequestForm) -> bool {
        let Some(i) = self.loaded else {
            return false;
        };
        match self.requests().get(i) {
            Some(e) => Parts::of_entry(e) != Parts::of_form(form),
            None => false,
        }
    }

    /// Writes the form back over the loaded request; what to tell the user.
    pub fn save(&mut self, form: &RequestForm) -> Result<String, String> {
        let i = self.loaded.ok_or_else(|| {
            format!(
                "the Request pane holds no request of {}: Enter on one in the Collection first",
                self.name()
            )
        })?;
        let disk = std::fs::read_to_string(&self.path)
            .map_err(|e| format!("cannot read {}: {e}", atomic::shown(&self.path)))?;
        let mut file = if disk == self.text {
            self.file.clone()
        } else {
            // Changed elsewhere: merge when our request is untouched there.
            let fresh = HttpFile::parse(&disk);
            let same = |f: &HttpFile| f.requests().get(i).map(Parts::of_entry);
            if fresh.requests().len() != self.file.requests().len()
                || same(&fresh) != same(&self.file)
            {
                return Err(format!(
                    "{} changed on disk and {} is not what was loaded: nothing written (quit and reopen the file)",
                    self.name(),
                    self.label(i)
                ));
            }
            fresh
        };
        let count = file.requests().len();
        let mut parts = Parts::of_form(form);
        let crlf = disk
            .split_inclusive('\n')
            .next()
            .is_some_and(|l| l.ends_with("\r\n"));
        if crlf {
            parts.body = parts.body.map(|b| b.replace('\n', "\r\n"));
        }
        file.replace_request(
            i,
            &parts.method,
            &parts.url,
            &parts.headers,
            parts.body.as_deref(),
        )?;
        if file.requests().len() != count {
            return Err(
                "a body line starting with ### would start a new request when read back: nothing written"
                    .into(),
            );
        }
        let text = file.to_text();
        let label = label(&file.requests()[i]);
        if text == disk {
            self.file = file;
            self.text = text;
            return Ok(format!("{label}: no change to write"));
        }
        atomic::replace(&self.path, text.as_bytes())?;
        self.file = file;
        self.text = text;
        let off = form.headers.iter().filter(|h| !h.enabled).count();
        let mut msg = format!("wrote {label} to {}", self.name());
        if off > 0 {
            msg.push_str(&format!(
                " ({off} switched-off header{} left out)",
                if off == 1 { "" } else { "s" }
            ));
        }
        Ok(msg)
    }
}

/// How a request is named in messages.
pub fn label(e: &HttpRequestEntry) -> String {
    match &e.name {
        Some(n) => format!("request {:?} (line {})", n, e.line),
        None => format!("request #{} (line {})", e.index + 1, e.line),
    }
}
