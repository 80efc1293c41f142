// Issue 15: the demo page recovers from a refused join without a reload. A join that the node
// refuses (bad_request for a room id with a space, a room id over 128 characters or a name over
// 64, all given in the page's URL with autojoin) shows the error and leaves Join usable; the same
// page then joins a valid room.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchChromium, waitFor } from './lib.mjs';

let node;
let browser;

before(async () => {
  node = await startNode({ RELAYCAST_NODE_ID: 'e2e-demo-page', RELAYCAST_MEDIA_WORKERS: '1' });
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (node) await node.stop();
});

const controls = (page) => page.evaluate(() => ({
  join: document.getElementById('join').disabled,
  prejoin: !document.getElementById('prejoin').hidden,
  call: !document.getElementById('call').hidden,
  error: document.getElementById('error').hidden ? '' : document.getElementById('error').textContent,
  signaling: document.getElementById('signaling-state').textContent,
  peerId: window.relaycast.state.peerId,
}));

const refusals = [
  ['a room id with a space', { room: 'has space', name: 'ann' }],
  ['a room id over 128 characters', { room: 'r'.repeat(129), name: 'ann' }],
  ['a name over 64 characters', { room: 'fine', name: 'n'.repeat(65) }],
];

for (const [what, bad] of refusals) {
  test(`after a refused autojoin with ${what}, the same page joins a valid room`, async () => {
    const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
    try {
      const page = await context.newPage();
      const pageErrors = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      const query = new URLSearchParams({ room: bad.room, name: bad.name, w: '160', h: '120', fps: '10' });
      await page.goto(`${node.url}/?${query}&autojoin`);

      // Refused: the error is shown, and the page is back where a join can start. The first page
      // of a cold browser on a loaded machine took over 10 s to get this far; the old page never
      // gets there at all, so a generous wait proves the same thing.
      const refused = await waitFor('the refusal and a usable Join button', 30_000, async () => {
        const c = await controls(page);
        return c.error.startsWith('bad_request') && c.prejoin && !c.join && !c.call && c.signaling.startsWith('closed') && c;
      });
      assert.equal(refused.peerId, null);

      // Recovered: the user corrects the form and presses Join; no reload.
      const room = 'recovered-' + Date.now();
      await page.fill('#room', room);
      await page.fill('#name', 'ann');
      await page.click('#join');
      const joined = await waitFor('welcome after the retry', 15_000, async () => {
        const c = await controls(page);
        return c.peerId && c.call && !c.prejoin && c;
      });
      assert.equal(joined.error, '', 'the old error is cleared by the new join');
      const listed = await (await fetch(node.url + '/api/rooms')).json();
      assert.deepEqual(listed.rooms.filter((r) => r.roomId === room).map((r) => r.peers.map((p) => p.name)), [['ann']]);
      assert.deepEqual(pageErrors, []);
    } finally {
      await context.close();
    }
  });
}

test('the room field takes at most 128 characters, as the protocol allows', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(node.url + '/');
    await page.fill('#room', '');
    await page.locator('#room').pressSequentially('x'.repeat(130));
    assert.equal((await page.inputValue('#room')).length, 128);
    assert.equal(await page.getAttribute('#name', 'maxlength'), '64');
  } finally {
    await context.close();
  }
});
