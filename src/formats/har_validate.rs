//! A checker for HAR 1.2 documents (the structure of
//! http://www.softwareishard.com/blog/har-12-spec/): required fields and
//! their types, ISO 8601 dates, unique page ids and resolvable `pageref`s,
//! and the timing rules — `send`, `wait` and `receive` never negative,
//! other phases `-1` when they did not happen, `ssl` inside `connect`,
//! and `time` the sum of the phases that happened. Every problem is
//! reported with its path (`log.entries[2].timings.ssl: …`), not just the
//! first. Custom fields (`_name`) are allowed, as the format says.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::time::parse_rfc3339;

/// `Ok` when `v` is a HAR 1.2 document; otherwise every problem found.
pub fn validate_har(v: &Value) -> Result<(), Vec<String>> {
    let mut c = Check::default();
    match v.as_object() {
        Some(root) => {
            if let Some(log) = c.sub(root, "", "log") {
                c.log(log);
            }
        }
        None => c.err("(document)", "must be an object"),
    }
    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(c.errors)
    }
}

/// Timing sums may differ from `time` by rounding to microseconds.
const TIME_TOLERANCE_MS: f64 = 0.01;

#[derive(Default)]
struct Check {
    errors: Vec<String>,
}

type Obj = Map<String, Value>;

impl Check {
    fn err(&mut self, path: &str, msg: &str) {
        self.errors.push(format!("{path}: {msg}"));
    }

    /// The object at `parent.key`.
    fn sub<'a>(&mut self, o: &'a Obj, parent: &str, key: &str) -> Option<&'a Obj> {
        let path = join(parent, key);
        match o.get(key) {
            Some(Value::Object(o)) => Some(o),
            Some(_) => {
                self.err(&path, "must be an object");
                None
            }
            None => {
                self.err(&path, "is required");
                None
            }
        }
    }

    fn str(&mut self, o: &Obj, path: &str, key: &str, required: bool) -> Option<String> {
        match o.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.err(&join(path, key), "must be a string");
                None
            }
            None if required => {
                self.err(&join(path, key), "is required");
                None
            }
            None => None,
        }
    }

    fn num(&mut self, o: &Obj, path: &str, key: &str, required: bool, min: f64) -> Option<f64> {
        let p = join(path, key);
        match o.get(key) {
            Some(Value::Number(n)) => {
                let v = n.as_f64().unwrap_or(f64::NAN);
                if v.is_nan() || v < min {
                    self.err(&p, &format!("must be a number >= {min}, not {n}"));
                    return None;
                }
                Some(v)
            }
            Some(_) => {
                self.err(&p, "must be a number");
                None
            }
            None if required => {
                self.err(&p, "is required");
                None
            }
            None => None,
        }
    }

    fn int(&mut self, o: &Obj, path: &str, key: &str, min: f64) {
        if let Some(v) = self.num(o, path, key, true, min) {
            if v.fract() != 0.0 {
                self.err(&join(path, key), "must be an integer");
            }
        }
    }

    fn bool(&mut self, o: &Obj, path: &str, key: &str) {
        if o.get(key).is_some_and(|v| !v.is_boolean()) {
            self.err(&join(path, key), "must be true or false");
        }
    }

    fn arr<'a>(&mut self, o: &'a Obj, path: &str, key: &str, required: bool) -> &'a [Value] {
        match o.get(key) {
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.err(&join(path, key), "must be an array");
                &[]
            }
            None => {
                if required {
                    self.err(&join(path, key), "is required");
                }
                &[]
            }
        }
    }

    /// Each item of the array `key` as an object, with its path.
    fn items<'a>(
        &mut self,
        o: &'a Obj,
        path: &str,
        key: &str,
        required: bool,
    ) -> Vec<(String, &'a Obj)> {
        let mut out = Vec::new();
        for (i, item) in self.arr(o, path, key, required).iter().enumerate() {
            let p = format!("{}[{i}]", join(path, key));
            match item.as_object() {
                Some(obj) => out.push((p, obj)),
                None => self.err(&p, "must be an object"),
            }
        }
        out
    }

    fn date(&mut self, o: &Obj, path: &str, key: &str) {
        if let Some(s) = self.str(o, path, key, true) {
            if parse_rfc3339(&s).is_none() {
                self.err(
                    &join(path, key),
                    &format!("{s:?} is not an ISO 8601 date with a zone"),
                );
            }
        }
    }

    fn log(&mut self, log: &Obj) {
        let p = "log";
        if let Some(v) = self.str(log, p, "version", true) {
            if v != "1.2" && v != "1.1" {
                self.err("log.version", &format!("{v:?} is not 1.1 or 1.2"));
            }
        }
        for key in ["creator", "browser"] {
            match log.get(key) {
                Some(Value::Object(o)) => {
                    let path = join(p, key);
                    self.str(o, &path, "name", true);
                    self.str(o, &path, "version", true);
                }
                Some(_) => self.err(&join(p, key), "must be an object"),
                None if key == "creator" => self.err("log.creator", "is required"),
                None => {}
            }
        }
        self.str(log, p, "comment", false);
        let mut ids = HashSet::new();
        for (path, page) in self.items(log, p, "pages", false) {
            self.date(page, &path, "startedDateTime");
            if let Some(id) = self.str(page, &path, "id", true) {
                if !ids.insert(id.clone()) {
                    self.err(&join(&path, "id"), &format!("{id:?} is not unique"));
                }
            }
            self.str(page, &path, "title", true);
            if let Some(t) = self.sub(page, &path, "pageTimings") {
                let tp = join(&path, "pageTimings");
                self.num(t, &tp, "onContentLoad", false, -1.0);
                self.num(t, &tp, "onLoad", false, -1.0);
            }
        }
        for (path, e) in self.items(log, p, "entries", true) {
            self.entry(e, &path, &ids);
        }
    }

    fn entry(&mut self, e: &Obj, path: &str, ids: &HashSet<String>) {
        if let Some(r) = self.str(e, path, "pageref", false) {
            if !ids.contains(&r) {
                self.err(&join(path, "pageref"), &format!("no page has id {r:?}"));
            }
        }
        self.date(e, path, "startedDateTime");
        let time = self.num(e, path, "time", true, 0.0);
        if let Some(r) = self.sub(e, path, "request") {
            self.request(r, &join(path, "request"));
        }
        if let Some(r) = self.sub(e, path, "response") {
            self.response(r, &join(path, "response"));
        }
        if let Some(c) = self.sub(e, path, "cache") {
            for key in ["beforeRequest", "afterRequest"] {
                if c.get(key).is_some_and(|v| !v.is_object() && !v.is_null()) {
                    self.err(
                        &join(&join(path, "cache"), key),
                        "must be an object or null",
                    );
                }
            }
        }
        if let Some(t) = self.sub(e, path, "timings") {
            self.timings(t, &join(path, "timings"), time);
        }
        self.str(e, path, "serverIPAddress", false);
        self.str(e, path, "connection", false);
        self.str(e, path, "comment", false);
    }

    fn timings(&mut self, t: &Obj, path: &str, time: Option<f64>) {
        let mut sum = 0.0;
        let mut phase = |c: &mut Check, key: &str, required: bool| {
            let min = if required { 0.0 } else { -1.0 };
            let v = c.num(t, path, key, required, min);
            if let Some(v) = v.filter(|v| *v > -1.0 && *v < 0.0) {
                c.err(
                    &join(path, key),
                    &format!("{v} is neither -1 nor a duration"),
                );
            }
            if let Some(v) = v.filter(|v| *v >= 0.0) {
                sum += v;
            }
            v
        };
        phase(self, "blocked", false);
        phase(self, "dns", false);
        let connect = phase(self, "connect", false);
        for key in ["send", "wait", "receive"] {
            phase(self, key, true);
        }
        let ssl = self.num(t, path, "ssl", false, -1.0);
        if let Some(ssl) = ssl.filter(|s| *s >= 0.0) {
            if connect.is_none_or(|c| c < ssl) {
                self.err(
                    &join(path, "ssl"),
                    "is part of connect, so connect must be at least ssl",
                );
            }
        }
        if let Some(time) = time {
            if (time - sum).abs() > TIME_TOLERANCE_MS {
                self.err(
                    path,
                    &format!("the phases add up to {sum} ms, but time is {time} ms"),
                );
            }
        }
    }

    fn pairs(&mut self, o: &Obj, path: &str, key: &str) {
        for (p, nv) in self.items(o, path, key, true) {
            self.str(nv, &p, "name", true);
            self.str(nv, &p, "value", true);
        }
    }

    fn cookies(&mut self, o: &Obj, path: &str) {
        for (p, c) in self.items(o, path, "cookies", true) {
            self.str(c, &p, "name", true);
            self.str(c, &p, "value", true);
            for key in ["path", "domain", "expires", "comment"] {
                self.str(c, &p, key, false);
            }
            self.bool(c, &p, "httpOnly");
            self.bool(c, &p, "secure");
        }
    }

    fn request(&mut self, r: &Obj, path: &str) {
        self.str(r, path, "method", true);
        self.str(r, path, "url", true);
        self.str(r, path, "httpVersion", true);
        self.cookies(r, path);
        self.pairs(r, path, "headers");
        self.pairs(r, path, "queryString");
        match r.get("postData") {
            Some(Value::Object(pd)) => {
                let pp = join(path, "postData");
                self.str(pd, &pp, "mimeType", true);
                self.str(pd, &pp, "text", false);
                for (p, param) in self.items(pd, &pp, "params", false) {
                    self.str(param, &p, "name", true);
                    for key in ["value", "fileName", "contentType"] {
                        self.str(param, &p, key, false);
                    }
                }
            }
            Some(_) => self.err(&join(path, "postData"), "must be an object"),
            None => {}
        }
        self.int(r, path, "headersSize", -1.0);
        self.int(r, path, "bodySize", -1.0);
    }

    fn response(&mut self, r: &Obj, path: &str) {
        self.int(r, path, "status", 0.0);
        self.str(r, path, "statusText", true);
        self.str(r, path, "httpVersion", true);
        self.cookies(r, path);
        self.pairs(r, path, "headers");
        match r.get("content") {
            Some(Value::Object(c)) => {
                let cp = join(path, "content");
                self.int(c, &cp, "size", -1.0);
                self.num(c, &cp, "compression", false, f64::MIN);
                self.str(c, &cp, "mimeType", true);
                self.str(c, &cp, "text", false);
                self.str(c, &cp, "encoding", false);
            }
            Some(_) => self.err(&join(path, "content"), "must be an object"),
            None => self.err(&join(path, "content"), "is required"),
        }
        self.str(r, path, "redirectURL", true);
        self.int(r, path, "headersSize", -1.0);
        self.int(r, path, "bodySize", -1.0);
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}
