/* The service worker of the surveyor's pages (scope /m/): pages and assets network-first (an update
   reaches the phone at once), with the cached copy when offline. Only GET requests are handled:
   POST /m/sync always goes to the network, so an entry is never "sent" to a cache. */
"use strict";
var VERSION = "m-1";
var ASSETS = "canbao-m-assets-" + VERSION;
var PAGES = "canbao-m-pages";
var ASSET_URLS = ["/static/web/mobile.css", "/static/web/checks.js", "/static/web/mobile.js"];
var NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(ASSETS).then(function (c) { return c.addAll(ASSET_URLS); }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("canbao-m-assets-") === 0 && k !== ASSETS; })
        .map(function (k) { return caches["delete"](k); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function withTimeout(promise) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, NETWORK_TIMEOUT_MS);
    promise.then(function (r) { clearTimeout(timer); resolve(r); }, function (e) { clearTimeout(timer); reject(e); });
  });
}

function pageKey(url) { return url.origin + url.pathname; }  // ?saved=…, ?local=… are the same page

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/web/") === 0) {
    event.respondWith(
      fetch(req).then(function (r) {
        if (r.ok) { var copy = r.clone(); caches.open(ASSETS).then(function (c) { c.put(url.pathname, copy); }); }
        return r;
      })["catch"](function () { return caches.match(url.pathname); })
    );
    return;
  }
  if (req.mode !== "navigate" || url.pathname.indexOf("/m/") !== 0) return;
  event.respondWith(
    withTimeout(fetch(req)).then(function (r) {
      // Only a page actually served (not a login redirect) replaces the offline copy.
      if (r.ok && !r.redirected && r.type === "basic") {
        var copy = r.clone();
        caches.open(PAGES).then(function (c) { c.put(pageKey(url), copy); });
      }
      return r;
    })["catch"](function () {
      return caches.open(PAGES).then(function (c) { return c.match(pageKey(url)); }).then(function (hit) {
        return hit || new Response(
          "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
          "<p style='font-size:18px;padding:1rem'>离线状态下无法打开此页（未保存供离线使用）。<a href='/m/'>返回名单</a></p>",
          { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
      });
    })
  );
});
