//! The names HTTP/2 gives to numbers: frame types, flags per type, SETTINGS
//! identifiers and error codes (RFC 9113 §6, §7, §11). Data only, so the
//! frame parser and the renderers agree on one spelling.

/// Frame type codes this decoder interprets (RFC 9113 §6).
pub const DATA: u8 = 0x0;
pub const HEADERS: u8 = 0x1;
pub const PRIORITY: u8 = 0x2;
pub const RST_STREAM: u8 = 0x3;
pub const SETTINGS: u8 = 0x4;
pub const PUSH_PROMISE: u8 = 0x5;
pub const PING: u8 = 0x6;
pub const GOAWAY: u8 = 0x7;
pub const WINDOW_UPDATE: u8 = 0x8;
pub const CONTINUATION: u8 = 0x9;

/// Flag bits (their meaning depends on the frame type).
pub const END_STREAM: u8 = 0x1;
pub const ACK: u8 = 0x1;
pub const END_HEADERS: u8 = 0x4;
pub const PADDED: u8 = 0x8;
pub const PRIORITY_FLAG: u8 = 0x20;

/// SETTINGS identifiers whose values other parts of the decoder act on.
pub const SETTINGS_HEADER_TABLE_SIZE: u16 = 0x1;
pub const SETTINGS_ENABLE_PUSH: u16 = 0x2;
pub const SETTINGS_INITIAL_WINDOW_SIZE: u16 = 0x4;
pub const SETTINGS_MAX_FRAME_SIZE: u16 = 0x5;
pub const SETTINGS_MAX_HEADER_LIST_SIZE: u16 = 0x6;

/// The frame type's name; extension types registered with IANA are named
/// too (their payloads are not interpreted), everything else is "UNKNOWN".
pub fn frame_type_name(code: u8) -> &'static str {
    match code {
        DATA => "DATA",
        HEADERS => "HEADERS",
        PRIORITY => "PRIORITY",
        RST_STREAM => "RST_STREAM",
        SETTINGS => "SETTINGS",
        PUSH_PROMISE => "PUSH_PROMISE",
        PING => "PING",
        GOAWAY => "GOAWAY",
        WINDOW_UPDATE => "WINDOW_UPDATE",
        CONTINUATION => "CONTINUATION",
        0xa => "ALTSVC",
        0xc => "ORIGIN",
        0x10 => "PRIORITY_UPDATE",
        _ => "UNKNOWN",
    }
}

/// Names of the set flags that are defined for this frame type, lowest bit
/// first. Undefined bits are ignored, as receivers must (RFC 9113 §4.1).
pub fn flag_names(type_code: u8, flags: u8) -> Vec<&'static str> {
    let defined: &[(u8, &'static str)] = match type_code {
        DATA => &[(END_STREAM, "END_STREAM"), (PADDED, "PADDED")],
        HEADERS => &[
            (END_STREAM, "END_STREAM"),
            (END_HEADERS, "END_HEADERS"),
            (PADDED, "PADDED"),
            (PRIORITY_FLAG, "PRIORITY"),
        ],
        SETTINGS | PING => &[(ACK, "ACK")],
        PUSH_PROMISE => &[(END_HEADERS, "END_HEADERS"), (PADDED, "PADDED")],
        CONTINUATION => &[(END_HEADERS, "END_HEADERS")],
        _ => &[],
    };
    defined
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|&(_, name)| name)
        .collect()
}

/// A SETTINGS parameter's name (RFC 9113 §6.5.2, RFC 8441, RFC 9218).
pub fn setting_name(id: u16) -> &'static str {
    match id {
        0x1 => "HEADER_TABLE_SIZE",
        0x2 => "ENABLE_PUSH",
        0x3 => "MAX_CONCURRENT_STREAMS",
        0x4 => "INITIAL_WINDOW_SIZE",
        0x5 => "MAX_FRAME_SIZE",
        0x6 => "MAX_HEADER_LIST_SIZE",
        0x8 => "ENABLE_CONNECT_PROTOCOL",
        0x9 => "NO_RFC7540_PRIORITIES",
        _ => "UNKNOWN",
    }
}

/// An error code's name (RFC 9113 §7); unknown codes are "UNKNOWN" (they
/// must not trigger special behaviour, so they are shown, not guessed).
pub fn error_code_name(code: u32) -> &'static str {
    match code {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0x9 => "COMPRESSION_ERROR",
        0xa => "CONNECT_ERROR",
        0xb => "ENHANCE_YOUR_CALM",
        0xc => "INADEQUATE_SECURITY",
        0xd => "HTTP_1_1_REQUIRED",
        _ => "UNKNOWN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_named_only_where_defined() {
        assert_eq!(
            flag_names(HEADERS, 0x25),
            ["END_STREAM", "END_HEADERS", "PRIORITY"]
        );
        // 0x1 on SETTINGS is ACK, not END_STREAM; 0x4 means nothing there.
        assert_eq!(flag_names(SETTINGS, 0x5), ["ACK"]);
        assert!(flag_names(WINDOW_UPDATE, 0xff).is_empty());
        assert!(flag_names(0x42, 0xff).is_empty());
    }

    #[test]
    fn codes_have_names() {
        assert_eq!(error_code_name(0xb), "ENHANCE_YOUR_CALM");
        assert_eq!(error_code_name(0xd), "HTTP_1_1_REQUIRED");
        assert_eq!(error_code_name(0xe), "UNKNOWN");
        assert_eq!(setting_name(4), "INITIAL_WINDOW_SIZE");
        assert_eq!(frame_type_name(9), "CONTINUATION");
        assert_eq!(frame_type_name(0xff), "UNKNOWN");
    }
}
