//! Request methods and their semantics: the RFC 9110 §9 methods plus PATCH
//! (RFC 5789), as a table. Pure data; must not import ratatui or crossterm.

/// One request method and what the RFCs promise about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodInfo {
    /// The method token, exactly as it goes on the wire.
    pub name: &'static str,
    /// Read-only by contract: the client asks for no state change (RFC 9110 §9.2.1).
    pub safe: bool,
    /// Sending it twice has the same intended effect as once, so a client
    /// may retry it after a dropped connection (RFC 9110 §9.2.2).
    pub idempotent: bool,
    /// Responses may be stored by caches (RFC 9110 §9.2.3).
    pub cacheable: bool,
    /// One line for people.
    pub summary: &'static str,
}

/// The registered methods, in the order RFC 9110 lists them, PATCH last.
pub const METHODS: &[MethodInfo] = &[
    MethodInfo {
        name: "GET",
        safe: true,
        idempotent: true,
        cacheable: true,
        summary: "transfer a current representation of the target resource",
    },
    MethodInfo {
        name: "HEAD",
        safe: true,
        idempotent: true,
        cacheable: true,
        summary: "like GET but the server sends headers only, no body",
    },
    MethodInfo {
        name: "POST",
        safe: false,
        idempotent: false,
        // Only cacheable with explicit freshness and Content-Location; in
        // practice no cache stores POST responses, so say no.
        cacheable: false,
        summary: "have the resource process the enclosed body (create, submit, run)",
    },
    MethodInfo {
        name: "PUT",
        safe: false,
        idempotent: true,
        cacheable: false,
        summary: "create or replace the target resource with the enclosed body",
    },
    MethodInfo {
        name: "DELETE",
        safe: false,
        idempotent: true,
        cacheable: false,
        summary: "remove the association between the target and its current state",
    },
    MethodInfo {
        name: "CONNECT",
        safe: false,
        idempotent: false,
        cacheable: false,
        summary: "open a tunnel to the host:port named in the target (used via proxies)",
    },
    MethodInfo {
        name: "OPTIONS",
        safe: true,
        idempotent: true,
        cacheable: false,
        summary: "ask which communication options (methods, CORS) the target supports",
    },
    MethodInfo {
        name: "TRACE",
        safe: true,
        idempotent: true,
        cacheable: false,
        summary: "loop the request back so the client sees what intermediaries did to it",
    },
    MethodInfo {
        name: "PATCH",
        safe: false,
        idempotent: false,
        cacheable: false,
        summary: "apply a partial modification described by the enclosed patch document",
    },
];

/// Looks a method up by exact name. Methods are case-sensitive (RFC 9110
/// §9.1): `get` is a different, unregistered method, not GET.
pub fn method(name: &str) -> Option<&'static MethodInfo> {
    METHODS.iter().find(|m| m.name == name)
}

/// One phrase about safety and idempotency, for a status line or report.
pub fn method_semantics(name: &str) -> String {
    let phrase = match method(name) {
        // Every safe method is also idempotent (RFC 9110 §9.2.2).
        Some(m) if m.safe => "safe, idempotent",
        Some(m) if m.idempotent => "idempotent, not safe",
        Some(_) => "neither safe nor idempotent",
        None => "custom method: unknown semantics",
    };
    phrase.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_is_the_rfc_order() {
        let names: Vec<&str> = METHODS.iter().map(|m| m.name).collect();
        assert_eq!(
            names,
            ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]
        );
    }

    #[test]
    fn flags_match_rfc_9110() {
        for name in ["GET", "HEAD", "OPTIONS", "TRACE"] {
            let m = method(name).unwrap();
            assert!(m.safe && m.idempotent, "{name}");
        }
        for name in ["PUT", "DELETE"] {
            let m = method(name).unwrap();
            assert!(!m.safe && m.idempotent, "{name}");
        }
        for name in ["POST", "PATCH", "CONNECT"] {
            let m = method(name).unwrap();
            assert!(!m.safe && !m.idempotent, "{name}");
        }
        assert!(method("GET").unwrap().cacheable);
        assert!(method("HEAD").unwrap().cacheable);
        assert!(!method("PUT").unwrap().cacheable);
    }

    #[test]
    fn safe_implies_idempotent() {
        for m in METHODS {
            assert!(!m.safe || m.idempotent, "{}", m.name);
        }
    }

    #[test]
    fn lookup_is_case_sensitive() {
        assert!(method("GET").is_some());
        assert!(method("get").is_none());
        assert!(method("Get").is_none());
        assert!(method("").is_none());
    }

    #[test]
    fn semantics_phrases() {
        assert_eq!(method_semantics("GET"), "safe, idempotent");
        assert_eq!(method_semantics("OPTIONS"), "safe, idempotent");
        assert_eq!(method_semantics("PUT"), "idempotent, not safe");
        assert_eq!(method_semantics("DELETE"), "idempotent, not safe");
        assert_eq!(method_semantics("POST"), "neither safe nor idempotent");
        assert_eq!(method_semantics("PATCH"), "neither safe nor idempotent");
        assert_eq!(
            method_semantics("PURGE"),
            "custom method: unknown semantics"
        );
        assert_eq!(method_semantics("get"), "custom method: unknown semantics");
    }

    #[test]
    fn hostile_names_do_not_panic() {
        let huge = "G".repeat(1 << 16);
        for s in ["", "\0\r\n", "GÉT", "ＧＥＴ", huge.as_str()] {
            assert!(method(s).is_none());
            assert_eq!(method_semantics(s), "custom method: unknown semantics");
        }
    }
}
