package kb

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRenderStripsScript feeds known XSS payloads through the Markdown
// renderer: nothing that runs script survives, the harmless text does.
func TestRenderStripsScript(t *testing.T) {
	for _, tc := range []struct{ name, md, keep string }{
		{"script tag", "<script>alert(1)</script>\n\n正文", "正文"},
		{"img onerror", `<img src=x onerror=alert(1)>`, ""},
		{"svg onload", `<svg/onload=alert(1)>`, ""},
		{"javascript link", `[点我](javascript:alert(1))`, "点我"},
		{"javascript link encoded", `[x](jav&#x09;ascript:alert(1))`, "x"},
		{"data uri link", `[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`, "x"},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, ""},
		{"style expression", `<div style="background:url(javascript:alert(1))">a</div>`, ""},
		{"event in markdown image", `![a" onerror="alert(1)](x.png)`, ""},
		{"autolink javascript", `<javascript:alert(1)>`, ""},
		{"object embed", `<object data="x.swf"></object><embed src="x.swf">`, ""},
		{"form action", `<form action="javascript:alert(1)"><button>b</button></form>`, ""},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`, ""},
		{"mixed case", `<ScRiPt>alert(1)</sCrIpT>`, ""},
		{"html in code is text", "`<script>alert(1)</script>`", "&lt;script&gt;"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			html, _ := Render(tc.md)
			low := strings.ToLower(html)
			for _, bad := range []string{"<script", "<iframe", "<svg", "<object", "<embed", "<form", "<meta", "style=",
				`href="javascript:`, `src="javascript:`, `href="data:`} {
				require.NotContains(t, low, bad, "payload %q rendered as %q", tc.md, html)
			}
			require.NotRegexp(t, `<[^>]*\son\w+\s*=`, low, "an event handler attribute")
			require.Contains(t, html, tc.keep)
		})
	}
	html, text := Render("# 标题\n\n- 检查 **压缩机**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
	require.Contains(t, html, "<h1>标题</h1>")
	require.Contains(t, html, "<strong>压缩机</strong>")
	require.Contains(t, html, "<table>")
	require.Equal(t, "标题 检查 压缩机 a b 1 2", text)
}
