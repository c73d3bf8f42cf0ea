-- The opening menu. Ids are fixed literals so they are the same on every install (documented in the README);
-- later price or availability changes belong in new migrations, never in edits to this one.
INSERT INTO "menu_items" ("id", "name", "kind", "price", "currency", "available") VALUES
	('5ef814a2-8284-440c-b8c1-913283d014db', 'Shoyu ramen', 'food', 980, 'JPY', true),
	('9d0c99c9-5dc1-407c-9daa-87aa64ce7400', 'Gyoza', 'food', 480, 'JPY', true),
	('71301e0b-49c1-4a20-9db2-80cf8ff4306d', 'Karaage', 'food', 620, 'JPY', true),
	('a91bbaf6-83fe-493f-868d-b13352472584', 'Salmon onigiri', 'food', 220, 'JPY', true),
	('2f2022d8-d9d1-4449-93f7-e72c3a2e436f', 'Katsu curry', 'food', 1100, 'JPY', true),
	('56eb6af8-5384-4118-9149-0b7654f48553', 'Matcha latte', 'drink', 520, 'JPY', true),
	('81b5e28b-b98a-4cb8-9cda-3528f343be40', 'Green tea', 'drink', 180, 'JPY', true),
	('4c271994-1773-4810-add1-cfa5d0b583f3', 'Ramune', 'drink', 250, 'JPY', true),
	('3bd8fc31-fabe-4104-b2e8-e1831e418f2a', 'Lemon sour', 'drink', 450, 'JPY', true),
	('03c47345-8fb4-41d8-8f51-5008c27487ca', 'Draft beer', 'drink', 600, 'JPY', true)
ON CONFLICT ("id") DO NOTHING;
