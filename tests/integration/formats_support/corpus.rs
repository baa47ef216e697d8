//! curl commands as people paste them: browsers' "Copy as cURL", API
//! documentation (GitHub, Stripe, Slack, Elasticsearch, OpenAI, Twilio),
//! Postman's export and hand-typed ones.

/// Each is one command line, continuation lines and all.
pub const CORPUS: &[&str] = &[
    // Chrome, "Copy as cURL (bash)".
    r#"curl 'https://www.example.com/api/v2/search?q=caf%C3%A9&page=2' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'accept-language: en-GB,en;q=0.9,fr;q=0.8' \
  -H 'cookie: _ga=GA1.1.123.456; session=eyJhbGciOi.x.y; theme=dark' \
  -H 'priority: u=1, i' \
  -H 'referer: https://www.example.com/search' \
  -H 'sec-ch-ua: "Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"' \
  -H 'sec-ch-ua-mobile: ?0' \
  -H 'sec-fetch-mode: cors' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' \
  --compressed"#,
    r#"curl 'https://api.example.com/graphql' \
  -H 'content-type: application/json' \
  -H 'origin: https://app.example.com' \
  --data-raw $'{"query":"query { user(name: \\"O\'Brien\\") { id } }","variables":{"note":"l1\\nl2 \u00e9"}}'"#,
    // Firefox, "Copy as cURL (POSIX)".
    r#"curl 'https://shop.example.org/cart/add' -X POST -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0' -H 'Accept: */*' -H 'Accept-Language: en-US,en;q=0.5' -H 'Content-Type: application/x-www-form-urlencoded; charset=UTF-8' -H 'X-Requested-With: XMLHttpRequest' -H 'Connection: keep-alive' --data-raw 'id=42&qty=1&note=gift+wrap'"#,
    // GitHub REST docs.
    r#"curl -L \
  -H "Accept: application/vnd.github+json" \
  -H "Authorization: Bearer <YOUR-TOKEN>" \
  -H "X-GitHub-Api-Version: 2022-11-28" \
  https://api.github.com/repos/OWNER/REPO/issues"#,
    r#"curl -L \
  -X POST \
  -H "Accept: application/vnd.github+json" \
  -H "Authorization: Bearer <YOUR-TOKEN>" \
  https://api.github.com/repos/OWNER/REPO/issues \
  -d '{"title":"Found a bug","body":"I'\''m having a problem with this.","assignees":["octocat"],"labels":["bug"]}'"#,
    // Stripe docs: -u with an empty password, form fields.
    r#"curl https://api.stripe.com/v1/charges \
  -u sk_test_4eC39HqLyjWDarjtT1zdp7dc: \
  -d amount=2000 \
  -d currency=usd \
  -d description="My First Test Charge (created for API docs)""#,
    // Slack incoming webhook.
    r#"curl -X POST -H 'Content-type: application/json' --data '{"text":"Hello, World!"}' https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"#,
    // Elasticsearch docs: host without a scheme, -d glued to its value.
    r#"curl -X GET "localhost:9200/_search?pretty" -H 'Content-Type: application/json' -d'{"query":{"match_all":{}}}'"#,
    // OpenAI docs: a variable the shell would expand stays as text.
    r#"curl https://api.openai.com/v1/chat/completions \
  -H "Content-Type: application/json" \
  -H "Authorization: Bearer $OPENAI_API_KEY" \
  -d '{
    "model": "gpt-4o",
    "messages": [{"role": "user", "content": "Say \"hi\""}]
  }'"#,
    // Twilio docs: --data-urlencode and -u.
    r#"curl -X POST "https://api.twilio.com/2010-04-01/Accounts/ACXXX/Messages.json" \
--data-urlencode "Body=Hello from Twilio & friends" \
--data-urlencode "From=+15017122661" \
--data-urlencode "To=+15558675310" \
-u ACXXX:your_auth_token"#,
    // Postman's export.
    r#"curl --location --request PATCH 'https://api.example.com/v1/items/7' \
--header 'Content-Type: application/json' \
--header 'Authorization: Basic dXNlcjpwYXNz' \
--data '{"name": "new name", "tags": ["a", "b"]}'"#,
    // Hand-typed.
    "curl -I https://example.com",
    "curl -sSL -k --http2 -A 'probe/1.0' --connect-timeout 5 --max-time 20 --retry 3 --retry-delay 2 https://internal.example:8443/health",
    r#"curl --json '{"a":1,"b":[true,null]}' https://httpbin.example/post"#,
    "curl -G --data-urlencode 'q=select * from t where a > 1' -d limit=10 https://h.example/search",
    "curl -b 'session=abc; theme=dark' -b lang=fr -e https://ref.example/ https://h.example/",
    r#"curl -X DELETE https://h.example/items/42 -H 'If-Match: "abc"' -H 'Accept:' -H 'X-Empty;'"#,
    "curl -F 'name=value' -F 'other=x y' --form-string 'at=@not-a-file' https://h.example/upload",
    "curl -XPUT -HX-Trace:1 --data-binary 'raw bytes \\ and $dollars' 'http://[::1]:8080/put'",
    "curl --oauth2-bearer t0k3n --user-agent 'agent/2 (+https://a.example)' --http1.1 http://h.example/me",
    "curl --data-raw '@not-a-file' --max-redirs 3 -L https://h.example/at",
    r#"curl 'https://h.example/tab' -H $'X-Tab: a\tb' --data-binary $'\x01\x02\xff bytes'"#,
    "curl --http2-prior-knowledge --cookie '' http://h.example:8080/h2c",
];

/// Imports a corpus command with each `$NAME` standing for `<NAME>`, the
/// placeholder the docs mean (the environment is not read).
pub fn import(cmd: &str) -> Result<wirescope::wire::RequestSpec, wirescope::formats::CurlError> {
    wirescope::formats::parse_curl_full(cmd, &|name| Some(format!("<{name}>"))).map(|i| i.spec)
}
