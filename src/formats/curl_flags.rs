//! curl's options as data: which ones wirescope understands, which ones it
//! can safely ignore (they only change curl's own output), and which ones
//! it refuses with a reason. Anything not listed is unknown.

/// What an option does to the request being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    Request,
    Header,
    /// `-d`, `--data`, `--data-ascii`: `@file` read with CR/LF stripped.
    Data,
    /// `--data-binary`: `@file` read as is.
    DataBinary,
    /// `--data-raw`: no `@` meaning.
    DataRaw,
    DataUrlencode,
    Json,
    Form,
    /// `--form-string`: no `@`/`<` meaning.
    FormString,
    User,
    UserAgent,
    Referer,
    Cookie,
    Insecure,
    Cacert,
    /// `-E`/`--cert FILE`; a `:password` suffix is refused.
    Cert,
    Key,
    Compressed,
    Location,
    MaxRedirs,
    Http1,
    Http2,
    Http2Prior,
    ConnectTimeout,
    MaxTime,
    Expect100Timeout,
    Get,
    Head,
    Url,
    Retry,
    RetryDelay,
    Bearer,
    /// `-x`/`--proxy`, and `--socks5`/`--socks5-hostname` with the
    /// scheme they imply.
    Proxy(&'static str),
    NoProxy,
    ProxyUser,
    Range,
    UploadFile,
    /// Changes only what curl prints or where: no effect on the request.
    Ignore,
    /// Like `Ignore`, with a value (an output file, a format).
    IgnoreValue,
    Unsupported(&'static str),
}

/// Whether the option consumes the next word.
pub fn takes_value(opt: Opt) -> bool {
    !matches!(
        opt,
        Opt::Insecure
            | Opt::Compressed
            | Opt::Location
            | Opt::Http1
            | Opt::Http2
            | Opt::Http2Prior
            | Opt::Get
            | Opt::Head
            | Opt::Ignore
            | Opt::Unsupported(_)
    )
}

/// A long option (`--name`), if curl has it and we know it.
pub fn long(name: &str) -> Option<Opt> {
    use Opt::*;
    Some(match name {
        "request" => Request,
        "header" => Header,
        "data" | "data-ascii" => Data,
        "data-binary" => DataBinary,
        "data-raw" => DataRaw,
        "data-urlencode" => DataUrlencode,
        "json" => Json,
        "form" => Form,
        "form-string" => FormString,
        "user" => User,
        "user-agent" => UserAgent,
        "referer" => Referer,
        "cookie" => Cookie,
        "insecure" => Insecure,
        "cacert" => Cacert,
        "cert" => Cert,
        "key" => Key,
        "compressed" => Compressed,
        "location" | "location-trusted" => Location,
        "max-redirs" => MaxRedirs,
        "http1.1" => Http1,
        "http2" => Http2,
        "http2-prior-knowledge" => Http2Prior,
        "connect-timeout" => ConnectTimeout,
        "max-time" => MaxTime,
        "expect100-timeout" => Expect100Timeout,
        "get" => Get,
        "head" => Head,
        "url" => Url,
        "retry" => Retry,
        "retry-delay" => RetryDelay,
        "oauth2-bearer" => Bearer,
        "range" => Range,
        "upload-file" => UploadFile,
        "silent" | "show-error" | "verbose" | "include" | "fail" | "fail-with-body"
        | "no-buffer" | "globoff" | "no-progress-meter" | "progress-bar" | "remote-name"
        | "remote-header-name" | "path-as-is" | "raw" | "basic" | "create-dirs"
        | "no-keepalive" | "tcp-nodelay" | "fail-early" | "styled-output" | "no-styled-output"
        | "disable" => Ignore,
        "output" | "write-out" | "dump-header" | "stderr" | "trace" | "trace-ascii"
        | "max-filesize" | "output-dir" => IgnoreValue,
        "proxy" => Proxy(""),
        "socks5" => Proxy("socks5://"),
        "socks5-hostname" => Proxy("socks5h://"),
        "noproxy" => NoProxy,
        "proxy-user" => ProxyUser,
        "preproxy" | "socks4" | "socks4a" => {
            Unsupported("pre-proxies and SOCKS4 are not supported (use -x with http://, https://, socks5:// or socks5h://)")
        }
        "proxy-cacert" | "proxy-insecure" | "proxy-cert" | "proxy-key" | "proxy-basic"
        | "proxy-digest" | "proxy-ntlm" | "proxy-negotiate" | "proxy-anyauth" | "proxytunnel"
        | "proxy-header" => Unsupported(
            "proxy TLS, auth-method, tunnel and header options are not supported (the proxy is checked with the same trust as the server; credentials go as Basic)",
        ),
        "cookie-jar" => Unsupported("writing a cookie jar file is not supported"),
        "http3" | "http3-only" => Unsupported("HTTP/3 is not supported"),
        "http1.0" => Unsupported("HTTP/1.0 requests are not supported"),
        "digest" | "ntlm" | "negotiate" | "anyauth" | "aws-sigv4" => {
            Unsupported("only Basic and Bearer authentication are supported")
        }
        "cert-type" | "key-type" | "pass" => Unsupported(
            "client certificates are PEM files with an unencrypted key (no --cert-type, --key-type or --pass)",
        ),
        "resolve" | "connect-to" | "unix-socket" | "abstract-unix-socket" | "interface" => {
            Unsupported("choosing the address or socket to connect to is not supported")
        }
        "ipv4" | "ipv6" => Unsupported("restricting the IP version is not supported"),
        "tlsv1" | "tlsv1.0" | "tlsv1.1" | "tlsv1.2" | "tlsv1.3" | "tls-max" | "ciphers"
        | "sslv2" | "sslv3" | "capath" | "pinnedpubkey" => {
            Unsupported("TLS version, cipher and pinning options are not supported")
        }
        "config" | "next" | "parallel" => {
            Unsupported("wirescope imports one request from one command")
        }
        "netrc" | "netrc-file" | "netrc-optional" => Unsupported("netrc files are not read"),
        "retry-max-time" | "retry-connrefused" | "retry-all-errors" => {
            Unsupported("only --retry and --retry-delay are supported")
        }
        "limit-rate" | "speed-limit" | "speed-time" | "keepalive-time" => {
            Unsupported("transfer-rate options are not supported")
        }
        "junk-session-cookies" | "time-cond" => {
            Unsupported("cookie-file and time-condition options are not supported")
        }
        _ => return None,
    })
}

/// A short option (`-X`), mapped onto its long form.
pub fn short(c: char) -> Option<Opt> {
    let name = match c {
        'X' => "request",
        'H' => "header",
        'd' => "data",
        'F' => "form",
        'u' => "user",
        'A' => "user-agent",
        'e' => "referer",
        'b' => "cookie",
        'k' => "insecure",
        'L' => "location",
        'm' => "max-time",
        'G' => "get",
        'I' => "head",
        'r' => "range",
        'T' => "upload-file",
        's' => "silent",
        'S' => "show-error",
        'v' => "verbose",
        'i' => "include",
        'f' => "fail",
        'N' => "no-buffer",
        'g' => "globoff",
        '#' => "progress-bar",
        'O' => "remote-name",
        'J' => "remote-header-name",
        'o' => "output",
        'w' => "write-out",
        'D' => "dump-header",
        'q' => "disable",
        'x' => "proxy",
        'U' => "proxy-user",
        'c' => "cookie-jar",
        '0' => "http1.0",
        'E' => "cert",
        '4' => "ipv4",
        '6' => "ipv6",
        'K' => "config",
        ':' => "next",
        'Z' => "parallel",
        'n' => "netrc",
        'j' => "junk-session-cookies",
        'z' => "time-cond",
        _ => return None,
    };
    long(name)
}
