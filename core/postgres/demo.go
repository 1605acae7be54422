package postgres

import (
	"context"

	"github.com/google/uuid"

	"github.com/aftersales/aftersales/core"
)

// DemoCity is a real Chinese city placed in the demo region tree.
type DemoCity struct {
	Region, RegionName     string // 大区 code and name, e.g. "SOUTH", "华南"
	Province, ProvinceName string
	Code, Name             string
	Lat, Lon               float64
}

// DemoCities are the cities the demo network is spread over.
var DemoCities = []DemoCity{
	{"NORTH", "华北", "BJ", "北京市", "BJ-BJ", "北京", 39.9042, 116.4074},
	{"NORTH", "华北", "TJ", "天津市", "TJ-TJ", "天津", 39.3434, 117.3616},
	{"NORTH", "华北", "HE", "河北省", "HE-SJZ", "石家庄", 38.0428, 114.5149},
	{"NORTH", "华北", "SX", "山西省", "SX-TY", "太原", 37.8706, 112.5489},
	{"NORTHEAST", "东北", "LN", "辽宁省", "LN-SY", "沈阳", 41.8057, 123.4315},
	{"NORTHEAST", "东北", "LN", "辽宁省", "LN-DL", "大连", 38.9140, 121.6147},
	{"NORTHEAST", "东北", "JL", "吉林省", "JL-CC", "长春", 43.8171, 125.3235},
	{"NORTHEAST", "东北", "HL", "黑龙江省", "HL-HEB", "哈尔滨", 45.8038, 126.5350},
	{"EAST", "华东", "SH", "上海市", "SH-SH", "上海", 31.2304, 121.4737},
	{"EAST", "华东", "JS", "江苏省", "JS-NJ", "南京", 32.0603, 118.7969},
	{"EAST", "华东", "JS", "江苏省", "JS-SZ", "苏州", 31.2989, 120.5853},
	{"EAST", "华东", "ZJ", "浙江省", "ZJ-HZ", "杭州", 30.2741, 120.1551},
	{"EAST", "华东", "ZJ", "浙江省", "ZJ-NB", "宁波", 29.8683, 121.5440},
	{"EAST", "华东", "AH", "安徽省", "AH-HF", "合肥", 31.8206, 117.2272},
	{"EAST", "华东", "FJ", "福建省", "FJ-FZ", "福州", 26.0745, 119.2965},
	{"EAST", "华东", "FJ", "福建省", "FJ-XM", "厦门", 24.4798, 118.0894},
	{"EAST", "华东", "SD", "山东省", "SD-JN", "济南", 36.6512, 117.1201},
	{"EAST", "华东", "SD", "山东省", "SD-QD", "青岛", 36.0671, 120.3826},
	{"CENTRAL", "华中", "HA", "河南省", "HA-ZZ", "郑州", 34.7466, 113.6254},
	{"CENTRAL", "华中", "HB", "湖北省", "HB-WH", "武汉", 30.5928, 114.3055},
	{"CENTRAL", "华中", "HN", "湖南省", "HN-CS", "长沙", 28.2282, 112.9388},
	{"SOUTH", "华南", "GD", "广东省", "GD-GZ", "广州", 23.1291, 113.2644},
	{"SOUTH", "华南", "GD", "广东省", "GD-SZ", "深圳", 22.5431, 114.0579},
	{"SOUTH", "华南", "GD", "广东省", "GD-DG", "东莞", 23.0207, 113.7518},
	{"SOUTH", "华南", "GX", "广西壮族自治区", "GX-NN", "南宁", 22.8170, 108.3669},
	{"SOUTH", "华南", "HI", "海南省", "HI-HK", "海口", 20.0440, 110.1999},
	{"SOUTHWEST", "西南", "CQ", "重庆市", "CQ-CQ", "重庆", 29.5630, 106.5516},
	{"SOUTHWEST", "西南", "SC", "四川省", "SC-CD", "成都", 30.5728, 104.0668},
	{"SOUTHWEST", "西南", "GZ", "贵州省", "GZ-GY", "贵阳", 26.6470, 106.6302},
	{"SOUTHWEST", "西南", "YN", "云南省", "YN-KM", "昆明", 24.8801, 102.8329},
	{"NORTHWEST", "西北", "SN", "陕西省", "SN-XA", "西安", 34.3416, 108.9398},
	{"NORTHWEST", "西北", "GS", "甘肃省", "GS-LZ", "兰州", 36.0611, 103.8343},
	{"NORTHWEST", "西北", "XJ", "新疆维吾尔自治区", "XJ-WLMQ", "乌鲁木齐", 43.8256, 87.6168},
}

// DemoCounts sizes the demo network.
type DemoCounts struct {
	SitesPerCity       int
	TechniciansPerSite int
	Customers          int
}

// LoadDemoNetwork fills the tenant of ctx with a realistic network, set
// based so tens of thousands of rows take seconds: the region tree over
// DemoCities, sites around each city, technicians, product lines and
// models, zh-CN fault codes, customers with phones, addresses and units.
func (s *Store) LoadDemoNetwork(ctx context.Context, u core.UnitOfWork, n DemoCounts) error {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	tid := u.TenantID()
	var cities = struct {
		region, regionName, province, provinceName, code, name []string
		lat, lon                                               []float64
	}{}
	for _, c := range DemoCities {
		cities.region, cities.regionName = append(cities.region, c.Region), append(cities.regionName, c.RegionName)
		cities.province, cities.provinceName = append(cities.province, c.Province), append(cities.provinceName, c.ProvinceName)
		cities.code, cities.name = append(cities.code, c.Code), append(cities.name, c.Name)
		cities.lat, cities.lon = append(cities.lat, c.Lat), append(cities.lon, c.Lon)
	}
	country := uuid.New()
	stmts := []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO regions (tenant_id, id, level, code, name) VALUES ($1, $2, 'country', 'CN', '中国')`, []any{tid, country}},
		{`INSERT INTO regions (tenant_id, id, parent_id, level, code, name)
			SELECT DISTINCT ON (r) $1, gen_random_uuid(), $2, 'region', r, n FROM unnest($3::text[], $4::text[]) AS x(r, n)`,
			[]any{tid, country, cities.region, cities.regionName}},
		{`INSERT INTO regions (tenant_id, id, parent_id, level, code, name)
			SELECT DISTINCT ON (p) $1, gen_random_uuid(), (SELECT id FROM regions WHERE code = r), 'province', p, n
			FROM unnest($2::text[], $3::text[], $4::text[]) AS x(r, p, n)`,
			[]any{tid, cities.region, cities.province, cities.provinceName}},
		{`INSERT INTO regions (tenant_id, id, parent_id, level, code, name)
			SELECT $1, gen_random_uuid(), (SELECT id FROM regions WHERE code = p), 'city', c, n
			FROM unnest($2::text[], $3::text[], $4::text[]) AS x(p, c, n)`,
			[]any{tid, cities.province, cities.code, cities.name}},
		{`CREATE TEMP TABLE demo_city ON COMMIT DROP AS
			SELECT row_number() OVER () AS i, c.code, c.name, c.lat, c.lon, r.id AS region_id
			FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[]) AS c(code, name, lat, lon)
			JOIN regions r ON r.code = c.code`, []any{cities.code, cities.name, cities.lat, cities.lon}},
		{`INSERT INTO product_lines (tenant_id, code, name_zh, name_en) VALUES
			($1, 'AC', '空调', 'Air conditioners'), ($1, 'WM', '洗衣机', 'Washing machines'), ($1, 'RF', '冰箱', 'Refrigerators')
			ON CONFLICT DO NOTHING`, []any{tid}},
		{`INSERT INTO product_models (tenant_id, id, product_line, code, name, warranty_months, labour_hours)
			SELECT $1, gen_random_uuid(), l, l || '-' || m, n || ' ' || l || '-' || m, w, 1.5
			FROM (VALUES ('AC', '空调'), ('WM', '洗衣机'), ('RF', '冰箱')) AS pl(l, n),
			     (VALUES ('100', 12), ('200', 24), ('300', 36), ('500', 72)) AS md(m, w)`, []any{tid}},
		{`INSERT INTO sites (tenant_id, id, code, name, kind, region_id, address, phone, lat, lon, radius_km, product_lines,
				skills, daily_capacity, reputation, auto_assign, late_rate)
			SELECT $1, gen_random_uuid(), 'S-' || c.code || '-' || lpad(g::text, 2, '0'),
				c.name || (ARRAY['中心','南区','北区','东区','西区','高新','开发区','新城','老城','港区'])[1 + g % 10] ||
					(ARRAY['服务站','维修中心','专卖店'])[1 + g % 3],
				(ARRAY['service_station','repair_center','dealer'])[1 + g % 3]::text, c.region_id,
				c.name || '市' || (ARRAY['人民路','解放路','中山路','建设路','和平路'])[1 + g % 5] || (g * 17 % 300 + 1) || '号',
				'400' || lpad(((c.i * 100 + g) * 7919 % 10000000)::text, 7, '0'),
				c.lat + (random() - 0.5) * 0.3, c.lon + (random() - 0.5) * 0.3, 15 + (g % 4) * 8,
				CASE g % 4 WHEN 0 THEN ARRAY['AC','WM','RF'] WHEN 1 THEN ARRAY['AC'] WHEN 2 THEN ARRAY['WM','RF'] ELSE ARRAY['AC','RF'] END,
				CASE g % 4 WHEN 0 THEN ARRAY['ac','install'] WHEN 1 THEN ARRAY['wm'] WHEN 2 THEN ARRAY['rf','ac'] ELSE ARRAY['install'] END,
				5 + (g * 7) % 26, 60 + (g * 13) % 39, g % 10 < 7, ((g * 3) % 20) / 100.0
			FROM demo_city c, generate_series(1, $2) g`, []any{tid, n.SitesPerCity}},
		{`INSERT INTO technicians (tenant_id, id, site_id, code, name, phone, skills, status, lat, lon, location_at)
			SELECT $1, gen_random_uuid(), s.id, 'T-' || substr(s.code, 3) || '-' || g,
				(ARRAY['张','王','李','赵','刘','陈','杨','黄','周','吴'])[1 + (abs(hashtext(s.code)) + g) % 10] ||
					(ARRAY['伟','强','磊','军','勇','杰','涛','斌','鹏','辉'])[1 + (abs(hashtext(s.code)) / 10 + g) % 10],
				'86139' || lpad(((abs(hashtext(s.code)) % 100000) * 10 + g)::text, 8, '0'),
				s.skills, (ARRAY['available','available','available','busy','off'])[1 + g % 5],
				s.lat + (random() - 0.5) * 0.1, s.lon + (random() - 0.5) * 0.1, now() - make_interval(mins => (g * 37) % 600)
			FROM sites s, generate_series(1, $2) g`, []any{tid, n.TechniciansPerSite}},
		{`INSERT INTO customers (tenant_id, id, kind, name, tags, vip)
			SELECT $1, gen_random_uuid(), CASE WHEN g % 20 = 0 THEN 'organization' ELSE 'person' END,
				CASE WHEN g % 20 = 0 THEN (ARRAY['华润','万科','碧桂园','美的','海信'])[1 + g % 5] || '物业' || g || '号楼'
				ELSE (ARRAY['张','王','李','赵','刘','陈','杨','黄','周','吴','徐','孙','马','朱','胡'])[1 + g % 15] ||
					(ARRAY['伟','芳','娜','敏','静','丽','强','磊','洋','艳','勇','军','杰','娟','涛'])[1 + (g / 15) % 15] END,
				CASE WHEN g % 50 = 0 THEN ARRAY['vip'] ELSE '{}'::text[] END, g % 50 = 0
			FROM generate_series(1, $2) g`, []any{tid, n.Customers}},
		{`CREATE TEMP TABLE demo_customer ON COMMIT DROP AS
			SELECT id, row_number() OVER (ORDER BY id) AS g FROM customers`, nil},
		{`INSERT INTO customer_phones (tenant_id, customer_id, phone, label)
			SELECT $1, id, '86' || (13000000000 + g * 7 % 6999999999)::text, 'mobile' FROM demo_customer`, []any{tid}},
		{`INSERT INTO customer_addresses (tenant_id, id, customer_id, label, region_id, address, lat, lon)
			SELECT $1, gen_random_uuid(), dc.id, 'home', c.region_id,
				c.name || '市' || (ARRAY['幸福','阳光','锦绣','翠苑','华府'])[1 + dc.g % 5] || '小区' || (dc.g % 30 + 1) || '栋',
				c.lat + (random() - 0.5) * 0.2, c.lon + (random() - 0.5) * 0.2
			FROM demo_customer dc JOIN demo_city c ON c.i = 1 + dc.g % (SELECT count(*) FROM demo_city)`, []any{tid}},
		{`INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
			SELECT $1, gen_random_uuid(), dc.id, m.id, m.product_line || to_char(now(), 'YY') || lpad(dc.g::text, 8, '0') || k,
				(now() - make_interval(days => ((dc.g * 37 + k * 101) % 2000)::int))::date
			FROM demo_customer dc, generate_series(1, 2) k,
				LATERAL (SELECT id, product_line FROM product_models ORDER BY code OFFSET (dc.g + k) % 12 LIMIT 1) m
			WHERE k = 1 OR dc.g % 3 = 0`, []any{tid}},
		{`INSERT INTO fault_codes (tenant_id, kind, code, parent_code, product_line, name_zh, name_en)
			SELECT $1, kind, code, NULL, NULL, zh, en FROM (VALUES
				('symptom', 'S01', '不制冷', 'Not cooling'), ('symptom', 'S02', '不制热', 'Not heating'),
				('symptom', 'S03', '漏水', 'Leaking water'), ('symptom', 'S04', '噪音大', 'Noisy'),
				('symptom', 'S05', '不开机', 'Does not power on'), ('symptom', 'S06', '显示故障码', 'Shows an error code'),
				('cause', 'C01', '缺氟', 'Low refrigerant'), ('cause', 'C02', '电脑板损坏', 'Control board failure'),
				('cause', 'C03', '排水管堵塞', 'Drain blocked'), ('cause', 'C04', '电机损坏', 'Motor failure'),
				('cause', 'C05', '安装不当', 'Improper installation'), ('cause', 'C06', '用户使用不当', 'Misuse'),
				('object', 'O01', '压缩机', 'Compressor'), ('object', 'O02', '电脑板', 'Control board'),
				('object', 'O03', '排水泵', 'Drain pump'), ('object', 'O04', '风扇电机', 'Fan motor'),
				('object', 'O05', '门封', 'Door seal'), ('object', 'O06', '温控器', 'Thermostat'),
				('action', 'A01', '加氟', 'Recharge refrigerant'), ('action', 'A02', '更换配件', 'Replace part'),
				('action', 'A03', '疏通', 'Clear blockage'), ('action', 'A04', '重新安装', 'Reinstall'),
				('action', 'A05', '调试', 'Adjust'), ('action', 'A06', '用户指导', 'Customer guidance')
			) AS f(kind, code, zh, en)`, []any{tid}},
	}
	for _, st := range stmts {
		if _, err := q.Exec(ctx, st.sql, st.args...); err != nil {
			return translate(err, "demo data")
		}
	}
	return nil
}

// DemoOrderCandidate is a customer with a unit and a geocoded address.
type DemoOrderCandidate struct {
	CustomerID, UnitID, AddressID uuid.UUID
}

// DemoOrderCandidates returns up to n customers for demo orders.
func (s *Store) DemoOrderCandidates(ctx context.Context, u core.UnitOfWork, n int) ([]DemoOrderCandidate, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT DISTINCT ON (c.id) c.id, u.id, a.id FROM customers c
		JOIN units u ON u.customer_id = c.id JOIN customer_addresses a ON a.customer_id = c.id
		ORDER BY c.id LIMIT $1`, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DemoOrderCandidate
	for rows.Next() {
		var c DemoOrderCandidate
		if err := rows.Scan(&c.CustomerID, &c.UnitID, &c.AddressID); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LinkDemoTechnician links the first technician of a site to a user, so
// the demo has a technician who can log in.
func (s *Store) LinkDemoTechnician(ctx context.Context, u core.UnitOfWork, userID uuid.UUID) (uuid.UUID, uuid.UUID, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	var tech, site uuid.UUID
	err = q.QueryRow(ctx, `UPDATE technicians SET user_id = $1, status = 'available' WHERE id = (
			SELECT t.id FROM technicians t JOIN sites s ON s.id = t.site_id WHERE s.code LIKE 'S-GD-SZ-%' ORDER BY t.code LIMIT 1)
		RETURNING id, site_id`, userID).Scan(&tech, &site)
	return tech, site, translate(err, "technician")
}

var _ = core.LocaleZhCN

// DemoCallerPhone is the demo customer the README's walk-through calls
// from (the spec's example number, normalised).
const DemoCallerPhone = "8613800138000"

// AddDemoCaller adds the customer the README calls from: phone
// DemoCallerPhone, an address beside the site, an air conditioner bought
// half a year ago (in warranty), so the walk-through needs no IDs looked
// up by hand and the site can serve the order.
func (s *Store) AddDemoCaller(ctx context.Context, u core.UnitOfWork, site uuid.UUID) error {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `WITH c AS (
			INSERT INTO customers (tenant_id, id, kind, name) VALUES ($1, gen_random_uuid(), 'person', '周敏') RETURNING id),
		p AS (INSERT INTO customer_phones (tenant_id, customer_id, phone, label) SELECT $1, c.id, $3, 'mobile' FROM c),
		a AS (INSERT INTO customer_addresses (tenant_id, id, customer_id, label, region_id, address, lat, lon)
			SELECT $1, gen_random_uuid(), c.id, 'home', s.region_id, '深圳市南山区科技园南区8栋1201', s.lat + 0.002, s.lon + 0.002
			FROM c, sites s WHERE s.id = $2)
		INSERT INTO units (tenant_id, id, customer_id, model_id, serial, purchase_date)
		SELECT $1, gen_random_uuid(), c.id, m.id, 'AC-DEMO-000001', current_date - 180
		FROM c, product_models m WHERE m.code = 'AC-200'`, u.TenantID(), site, DemoCallerPhone)
	return translate(err, "demo caller")
}

// UnitSerial returns a unit's serial number.
func (s *Store) UnitSerial(ctx context.Context, u core.UnitOfWork, id uuid.UUID) (string, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return "", err
	}
	var serial string
	err = q.QueryRow(ctx, `SELECT serial FROM units WHERE id = $1`, id).Scan(&serial)
	return serial, translate(err, "unit")
}

// DemoTechnicianOfSite returns an on-duty technician of a site.
func (s *Store) DemoTechnicianOfSite(ctx context.Context, u core.UnitOfWork, site uuid.UUID) (uuid.UUID, error) {
	q, err := unitOf(u).conn(ctx)
	if err != nil {
		return uuid.Nil, err
	}
	var id uuid.UUID
	err = q.QueryRow(ctx, `SELECT id FROM technicians WHERE site_id = $1 AND status <> 'off' ORDER BY code LIMIT 1`, site).Scan(&id)
	return id, translate(err, "technician")
}
