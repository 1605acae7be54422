package coretest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core/kb"
)

// The knowledge-base corpus: after-sales articles made from templates of
// appliances, symptoms, causes and fixes as service manuals and call notes
// write them, for the search benchmark and the relevance test. Not random
// characters: the words repeat as they do in a real knowledge base, which
// is what makes ranking hard.
var (
	kbAppliances = []string{"空调", "变频空调", "中央空调", "电冰箱", "冰柜", "洗衣机", "滚筒洗衣机", "燃气热水器", "电热水器",
		"油烟机", "燃气灶", "洗碗机", "微波炉", "净水器", "电视机", "扫地机器人"}
	kbSymptoms = []string{"不制冷", "不制热", "不启动", "噪音大", "漏水", "显示故障代码", "频繁停机", "异味", "耗电量大",
		"遥控失灵", "无法开机", "温度不稳定", "指示灯闪烁", "振动大", "排水慢"}
	kbCauses = []string{"冷媒不足", "压缩机损坏", "电源板故障", "温度传感器失效", "排水管堵塞", "风扇电机卡死", "主板程序异常",
		"密封条老化", "安装不水平", "滤网脏堵", "电压不稳", "进水阀损坏"}
	kbFixes = []string{"补充冷媒并检漏", "更换压缩机", "更换电源板", "更换温度传感器", "疏通排水管", "更换风扇电机", "升级主板程序",
		"更换密封条", "调整底脚使机器水平", "清洗滤网", "加装稳压器", "更换进水阀"}
	kbNotes = []string{"上门前提醒用户准备购机发票", "保修期内免费维修", "保修期外按收费标准收取材料费和工时费",
		"维修后请用户试机确认", "如需拖机请开具拖机单", "旧件需返厂鉴定"}
)

// KBArticle is a generated article ready to store.
type KBArticle struct {
	Article kb.Article
	Terms   *kb.Terms
}

// KBCorpus returns n generated published articles, the same for the
// same seed, published over the two years before now.
func KBCorpus(n int, seed uint64, now time.Time) []KBArticle {
	r := rand.New(rand.NewPCG(seed, 16))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	out := make([]KBArticle, 0, n)
	for i := range n {
		app, sym, cause, fix := pick(kbAppliances), pick(kbSymptoms), pick(kbCauses), pick(kbFixes)
		title := fmt.Sprintf("%s%s的原因与处理（%d）", app, sym, i)
		body := fmt.Sprintf("## 现象\n\n用户来电反映%s%s，已使用%d年。\n\n## 原因\n\n经技术员上门检查，判断为%s。\n\n"+
			"## 处理方法\n\n1. %s。\n2. %s。\n\n> %s。", app, sym, 1+r.IntN(9), cause, fix, pick(kbFixes), pick(kbNotes))
		out = append(out, kbArticle(title, body, []string{app, sym}, now.Add(-time.Duration(r.IntN(730*24))*time.Hour)))
	}
	return out
}

func kbArticle(title, body string, tags []string, at time.Time) KBArticle {
	a := kb.Article{ID: uuid.New(), Status: kb.StatusPublished, Audience: kb.AudienceInternal, Title: title, Body: body,
		Tags: tags, ProductLines: []string{}, Models: []string{}, FaultCodes: []string{}, Regions: []uuid.UUID{}, Version: 1,
		EditedByName: "gen", CreatedAt: at, UpdatedAt: at, PublishedAt: &at}
	a.HTML, _ = kb.Render(body)
	return KBArticle{Article: a, Terms: a.SearchTerms()}
}

// KBTarget is a labelled article: the queries in Queries must find it in
// the top three.
type KBTarget struct {
	KBArticle
	Queries map[string]string // query → form (chinese, pinyin, initials, typo, synonym)
}

// kbTargets: distinct topics, each with a key word (for full pinyin and a
// typo in it) and a phrase (Chinese and its initials).
var kbTargets = []struct{ title, key, keyPinyin, typo, phrase, initials string }{
	{"滚筒洗衣机门锁无法打开的应急处理", "门锁", "mensuo", "mensou", "门锁无法打开", "mswfdk"},
	{"燃气热水器点火针积碳导致打不着火", "积碳", "jitan", "jitna", "点火针积碳", "dhzjt"},
	{"变频空调外机除霜不彻底结冰", "除霜", "chushuang", "chushaung", "外机除霜", "wjcs"},
	{"电冰箱冷藏室后壁结冰挂霜", "挂霜", "guashuang", "guashaung", "后壁结冰", "hbjb"},
	{"油烟机吸力弱与止回阀卡滞", "止回阀", "zhihuifa", "zhihiufa", "止回阀卡滞", "zhfkz"},
	{"洗碗机喷淋臂堵塞清洗步骤", "喷淋臂", "penlinbi", "penlinbei", "喷淋臂堵塞", "plbds"},
	{"净水器滤芯到期提醒复位方法", "滤芯", "lvxin", "lvxni", "滤芯复位", "lxfw"},
	{"微波炉磁控管老化加热慢", "磁控管", "cikongguan", "cikonggaun", "磁控管老化", "ckglh"},
	{"扫地机器人回充座找不到", "回充座", "huichongzuo", "huichnogzuo", "回充座找不到", "hczzbd"},
	{"燃气灶熄火保护热电偶更换", "热电偶", "redianou", "reidanou", "熄火保护", "xhbh"},
	{"中央空调水系统冷却塔清洗", "冷却塔", "lengqueta", "lengqueat", "冷却塔清洗", "lqtqx"},
	{"电视机背光灯条损坏黑屏有声音", "灯条", "dengtiao", "dengtaio", "背光灯条", "bgdt"},
	{"冰柜压缩机启动继电器烧毁", "继电器", "jidianqi", "jidainqi", "启动继电器", "qdjdq"},
	{"电热水器镁棒更换周期说明", "镁棒", "meibang", "meibnag", "镁棒更换", "mbgh"},
	{"空调室内机蒸发器霉菌清洁", "蒸发器", "zhengfaqi", "zhengfaiq", "蒸发器霉菌", "zfqmj"},
	{"洗衣机脱水时桶体撞击箱体", "撞击", "zhuangji", "zhaungji", "桶体撞击", "ttzj"},
}

// KBTargets returns the labelled articles, published a year before now,
// with their queries: Chinese, full pinyin, initials, a typo in the
// pinyin, and for two of them a synonym (冰箱 for 电冰箱, 抽油烟机 for
// 油烟机, which KBSynonyms declares).
func KBTargets(now time.Time) []KBTarget {
	var out []KBTarget
	for _, t := range kbTargets {
		a := kbArticle(t.title, "## 说明\n\n"+t.title+"。按照以下步骤处理："+t.phrase+"时先断电，再检查"+t.key+"。",
			[]string{t.key}, now.AddDate(-1, 0, 0))
		q := map[string]string{t.phrase: "chinese", t.keyPinyin: "pinyin", t.initials: "initials", t.typo: "typo"}
		if strings.Contains(t.title, "电冰箱") {
			q["冰箱挂霜"] = "synonym"
		}
		if strings.Contains(t.title, "油烟机") {
			q["抽油烟机吸力弱"] = "synonym"
		}
		out = append(out, KBTarget{KBArticle: a, Queries: q})
	}
	return out
}

// KBSynonyms are the synonym groups the labelled queries rely on.
func KBSynonyms() [][]string {
	return [][]string{{"冰箱", "电冰箱"}, {"油烟机", "抽油烟机"}}
}
