/// <reference lib="dom" />
// The explorer's network page shows the node's bans in a real browser: "No bans." first, then, after a real
// peer sent a block with bad proof of work (p2p.loopbackLimits, so its 127.0.0.1 address is banned too), the
// banned peer with its code and the banned address naming it, rendered as text.
import { join } from 'node:path';
import t from 'tap';
import { attackFixture, startBanningNode } from '../p2p/attacker.js';
import { badPowBlock } from '../p2p/bad-blocks.js';
import { waitFor } from '../p2p/support.js';
import { ARTIFACTS, ensureExplorerBuilt, launchBrowser } from './browser.js';

t.test('network page lists bans', async (t) => {
  ensureExplorerBuilt();
  const fx = await attackFixture(t, 'explorer-bans-');
  const { node: a, addr: aAddr, id: aId } = await startBanningNode(fx);

  const ctx = await launchBrowser(t);
  const page = await ctx.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${a.api}/#/network`);
  await page.getByRole('heading', { name: 'Bans' }).waitFor();
  t.equal(await page.getByTestId('no-bans').innerText(), 'No bans.', 'the empty state');

  const x = await fx.spawn();
  await x.join(aAddr);
  const s = await a.status();
  await x.publish(x.topics.block, badPowBlock(s.tip.hash, s.height + 1));
  await waitFor('the attacker to be banned and disconnected', () => !x.connectedTo(aId), 20_000, 100);

  // The page refreshes every 5 s by itself.
  const peerRow = page.getByTestId('banned-peers').locator('tbody tr');
  await peerRow.first().waitFor({ timeout: 15_000 });
  t.equal(await peerRow.count(), 1, 'one banned peer');
  t.equal(await peerRow.locator(`[title="${x.id}"]`).count(), 1, 'the attacker, by its peer id');
  const cells = await peerRow.locator('td').allInnerTexts();
  t.equal(cells[1], 'BLOCK_BAD_POW', 'with the code of its offence');
  t.ok(Number(cells[2]) >= 100, `its points (${cells[2]})`);
  t.match(cells[3], /\(in (29|30) min\)$/, 'when it ends');
  t.match(cells[4], /^BLOCK_BAD_POW: /, 'the reason');
  const addrRow = page.getByTestId('banned-addresses').locator('tbody tr');
  t.equal(await addrRow.count(), 1, 'one banned address');
  const addrCells = await addrRow.locator('td').allInnerTexts();
  t.same(addrCells.slice(0, 3), ['127.0.0.1', 'address', 'BLOCK_BAD_POW'], 'its address, kind and code');
  t.equal(await addrRow.locator(`[title="${x.id}"]`).count(), 1, 'naming the peer that caused it');
  t.equal(await page.getByTestId('no-bans').count(), 0, 'no empty state any more');
  await page.screenshot({ path: join(ARTIFACTS, 'network-bans.png') });
  t.same(pageErrors, [], 'no page errors');
});
