-- The products example's own source tables (README, "Index your own table"): a catalogue the
-- application owns, in a database of its own. The service only reads it.
CREATE TABLE IF NOT EXISTS categories (
  id         INT PRIMARY KEY AUTO_INCREMENT,
  name       VARCHAR(100) NOT NULL,
  version    INT NOT NULL DEFAULT 1,
  updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  INDEX categories_updated_at (updated_at)
);

CREATE TABLE IF NOT EXISTS products (
  id           BIGINT PRIMARY KEY AUTO_INCREMENT,
  sku          VARCHAR(32) NOT NULL UNIQUE,
  title        VARCHAR(200) NOT NULL,
  description  TEXT NOT NULL,
  price_cents  INT NOT NULL,
  category_id  INT NOT NULL,
  revision     INT NOT NULL DEFAULT 1,
  discontinued BOOLEAN NOT NULL DEFAULT FALSE,
  updated_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  INDEX products_updated_at (updated_at),
  INDEX products_category (category_id)
);

INSERT INTO categories (id, name) VALUES (1, 'Mugs'), (2, 'Teapots')
  ON DUPLICATE KEY UPDATE name = VALUES(name);
INSERT INTO products (sku, title, description, price_cents, category_id) VALUES
  ('M-1', 'Blue mug', 'Stoneware, 350 ml.', 900, 1),
  ('M-2', 'Red mug', 'Stoneware, 350 ml.', 950, 1),
  ('T-1', 'Cast iron teapot', 'Enamelled inside, 1.2 l.', 4500, 2)
  ON DUPLICATE KEY UPDATE title = VALUES(title);
