<?php
// bench/plain.c's page in PHP-FPM, the way invoicing portals are written:
// a persistent connection (pg_pconnect), one parameterised query, escaping
// with htmlspecialchars. GET ?n=NUMBER: 200, 404 unknown, 400 malformed,
// 503 when the database fails. BENCH_CONNINFO comes from the pool's env.

function answer(int $status, string $text): void
{
	http_response_code($status);
	header('Content-Type: text/plain');
	echo $text, "\n";
}

function money(int $cents): string
{
	return sprintf('%s%d.%02d', $cents < 0 ? '-' : '', intdiv(abs($cents), 100), abs($cents) % 100);
}

$n = $_GET['n'] ?? '';
if (!is_string($n) || !preg_match('/^[A-Za-z0-9-]{1,32}$/', $n)) {
	answer(400, 'bad request');
	return;
}
$db = pg_pconnect(getenv('BENCH_CONNINFO'));
$res = $db === false ? false : pg_query_params($db,
	'SELECT l.description, l.quantity_milli, l.unit_cents, l.total_cents ' .
	'FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id ' .
	'WHERE i.number = $1 ORDER BY l.position', [$n]);
if ($res === false) {
	answer(503, 'database unavailable');
	return;
}
if (pg_num_rows($res) === 0) {
	answer(404, 'no such invoice');
	return;
}
$h = fn(string $s): string => htmlspecialchars($s, ENT_QUOTES | ENT_HTML5, 'UTF-8');
header('Content-Type: text/html; charset=utf-8');
echo "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Invoice ", $h($n),
	"</title></head>\n<body><h1>Invoice ", $h($n), "</h1>\n<table><tr><th>Description</th>",
	"<th>Quantity</th><th>Unit price</th><th>Amount</th></tr>\n";
$total = 0;
while (($r = pg_fetch_row($res)) !== false) {
	$qty = (int)$r[1];
	$total += (int)$r[3];
	printf("<tr><td>%s</td><td>%d.%03d</td><td>%s</td><td>%s</td></tr>\n",
		$h($r[0]), intdiv($qty, 1000), $qty % 1000, money((int)$r[2]), money((int)$r[3]));
}
echo "</table>\n<p>Total: ", money($total), "</p></body></html>\n";
