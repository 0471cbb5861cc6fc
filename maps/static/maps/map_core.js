/* What every map page shares (window.GongzhiMap): the page's config (a JSON script tag,
   maps.config.map_config), the map with its basemap, the coordinate conversion when the
   basemap draws in GCJ-02 or BD-09 (our data stay WGS84: features are converted for
   display, a tapped point back), JSON requests with the CSRF token, and the bbox layers
   of /api/v1/map/layers/<layer> reloaded as the map moves. No basemap (the embedded
   default) leaves a plain background under our own grids, buildings and labels. */
(function () {
  "use strict";

  var SYSTEMS = { gcj02: "GCJ02", bd09: "BD09" };

  function readConfig(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  /* WGS84 ⇄ the basemap's system, through gcoord (npm) when the basemap needs it. */
  function coords(crs) {
    var target = SYSTEMS[crs];
    if (!target || !window.gcoord) {
      return {
        toMap: function (lat, lon) { return L.latLng(lat, lon); },
        fromMap: function (latlng) { return { lat: latlng.lat, lon: latlng.lng }; },
        geojson: function (collection) { return collection; },
      };
    }
    return {
      toMap: function (lat, lon) {
        var p = gcoord.transform([lon, lat], gcoord.WGS84, gcoord[target]);
        return L.latLng(p[1], p[0]);
      },
      fromMap: function (latlng) {
        var p = gcoord.transform([latlng.lng, latlng.lat], gcoord[target], gcoord.WGS84);
        return { lat: p[1], lon: p[0] };
      },
      geojson: function (collection) {
        return gcoord.transform(collection, gcoord.WGS84, gcoord[target]);
      },
    };
  }

  function createMap(element, config) {
    // maxZoom on the map itself: with no basemap no tile layer sets one (markercluster needs it)
    var map = L.map(element, { zoomSnap: 0.5, maxZoom: 19 }).setView(config.center, config.zoom);
    var basemap = config.basemap || { kind: "none" };
    if (basemap.kind !== "none" && basemap.url) {
      var options = { attribution: basemap.attribution, maxZoom: 19 };
      if (basemap.subdomains && basemap.subdomains.length) { options.subdomains = basemap.subdomains; }
      L.tileLayer(basemap.url, options).addTo(map);
      if (basemap.overlay) { L.tileLayer(basemap.overlay, options).addTo(map); }
    } else {
      element.classList.add("no-basemap");
    }
    map.attributionControl.setPrefix(false);
    map.gongzhi = { coords: coords(basemap.crs), config: config };
    return map;
  }

  /* The view's bounds in WGS84, as the endpoints take them. */
  function bboxOf(map) {
    var bounds = map.getBounds();
    var sw = map.gongzhi.coords.fromMap(bounds.getSouthWest());
    var ne = map.gongzhi.coords.fromMap(bounds.getNorthEast());
    return [sw.lon, sw.lat, ne.lon, ne.lat].map(function (n) { return n.toFixed(6); }).join(",");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* A problem+json refusal becomes an Error carrying its Chinese detail. */
  function request(url, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.body !== undefined && !(options.body instanceof FormData)) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(options.body);
    }
    if (options.method && options.method !== "GET") { headers["X-CSRFToken"] = csrfToken(); }
    options.headers = Object.assign(headers, options.headers || {});
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(body.detail || response.status + " " + response.statusText);
          error.body = body;
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      if (value !== undefined && value !== null && value !== "") {
        parts.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
      }
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  /* One layer of the contract, fetched for the view: the newest answer wins (a slow
     answer for an old view never paints over a newer one). */
  function layerLoader(map, name, filters) {
    var generation = 0;
    return function load() {
      var mine = ++generation;
      var params = Object.assign({ bbox: bboxOf(map), zoom: Math.round(map.getZoom()) }, filters ? filters() : {});
      var url = map.gongzhi.config.endpoints.layers + encodeURIComponent(name) + query(params);
      return request(url).then(function (collection) {
        if (mine !== generation) { return null; }
        return map.gongzhi.coords.geojson(collection);
      });
    };
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  /* A random UUID v4 without crypto.randomUUID, which an http:// intranet page lacks. */
  function uuid4() {
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  /* Grid outlines with their names as labels that stay (readable with no basemap). */
  function gridLayer(map, style) {
    return L.geoJSON(null, {
      style: style,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(feature.properties.name, {
          permanent: true, direction: "center", className: "grid-label", interactive: false,
        });
      },
    });
  }

  function buildingLayer(map) {
    return L.geoJSON(null, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 4, weight: 1, color: "#5d5346", fillColor: "#d7ccc8", fillOpacity: 0.9,
          className: "building-point",
        });
      },
      onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(p.name || p.address, { direction: "top", className: "building-label" });
      },
    });
  }

  var CASE_COLOURS = { green: "#2e7d32", amber: "#d98e04", red: "#c62828", grey: "#757575" };

  /* A case as a dot in its deadline colour; its element carries number and state so a
     test (and a screen reader's label) can find it. */
  function caseMarker(feature, latlng, onClick) {
    var p = feature.properties;
    var marker = L.circleMarker(latlng, {
      radius: 8, weight: 2, color: "#fff", fillOpacity: 0.95,
      fillColor: CASE_COLOURS[p.colour] || CASE_COLOURS.grey, className: "case-point",
    });
    marker.on("add", function () {
      var el = marker.getElement();
      if (!el) { return; }
      el.setAttribute("data-number", p.number);
      el.setAttribute("data-state", p.state);
      el.setAttribute("data-colour", p.colour);
    });
    marker.bindTooltip(p.number + " · " + (p.title || p.category) + " · " + p.state_label, {
      direction: "top", className: "case-tip",
    });
    marker.on("click", function () { onClick(feature, marker); });
    return marker;
  }

  /* The server's aggregate of a part of the map: a round badge with the count. */
  function clusterMarker(feature, latlng, onClick) {
    var n = feature.properties.count;
    var size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 44 : 52;
    var icon = L.divIcon({
      // anchored below the badge: the grid's name label sits on the same point
      html: "<span>" + n + "</span>", className: "case-cluster", iconSize: [size, size],
      iconAnchor: [size / 2, size + 6],
    });
    var marker = L.marker(latlng, { icon: icon, keyboard: true, title: String(n) });
    marker.on("add", function () {
      var el = marker.getElement();
      if (el) { el.setAttribute("data-count", String(n)); }
    });
    marker.on("click", function () { onClick(feature, latlng); });
    return marker;
  }

  function topicMarker(feature, latlng) {
    var p = feature.properties;
    var badge = element("span", null, map_text("topic_badge"));
    var icon = L.divIcon({ html: badge.outerHTML, className: "topic-pin", iconSize: [28, 28] });
    var marker = L.marker(latlng, { icon: icon, title: p.title });
    var box = element("div", "topic-popup");
    box.append(element("strong", null, p.title), element("div", "muted", p.phase_label));
    var link = element("a", null, map_text("open_topic"));
    link.href = p.url;
    box.append(link);
    marker.bindPopup(box);
    return marker;
  }

  var texts = {};
  function map_text(key) { return texts[key] || key; }
  function setTexts(t) { texts = t || {}; }

  /* The live link (realtime/live.js): call `fn(event)` for each case event. */
  function onCaseEvents(fn) {
    document.addEventListener("gongzhi:event", function (received) {
      var event = received.detail || {};
      if (event.type && event.type.indexOf("case.") === 0) { fn(event); }
    });
  }

  /* Where I am: a dot and its accuracy circle; a refusal or failure is said plainly. */
  function locate(map, status, done) {
    if (!("geolocation" in navigator)) { status(map_text("gps_unsupported")); return; }
    if (!window.isSecureContext) { status(map_text("gps_insecure")); return; }
    status(map_text("gps_locating"));
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var c = position.coords;
        var latlng = map.gongzhi.coords.toMap(c.latitude, c.longitude);
        if (map._gongzhiMe) { map.removeLayer(map._gongzhiMe); }
        map._gongzhiMe = L.layerGroup([
          L.circle(latlng, { radius: c.accuracy, weight: 1, color: "#1a73e8", fillOpacity: 0.1, interactive: false }),
          L.circleMarker(latlng, { radius: 7, weight: 3, color: "#fff", fillColor: "#1a73e8", fillOpacity: 1, className: "my-position" }),
        ]).addTo(map);
        map.setView(latlng, Math.max(map.getZoom(), 17));
        status(map_text("gps_found").replace("%(m)s", Math.round(c.accuracy)));
        if (done) { done(latlng); }
      },
      function (error) {
        status(map_text(error.code === 1 ? "gps_denied" : "gps_failed"));
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
    );
  }

  window.GongzhiMap = {
    readConfig: readConfig,
    createMap: createMap,
    bboxOf: bboxOf,
    request: request,
    query: query,
    layerLoader: layerLoader,
    element: element,
    uuid4: uuid4,
    debounce: debounce,
    gridLayer: gridLayer,
    buildingLayer: buildingLayer,
    caseMarker: caseMarker,
    clusterMarker: clusterMarker,
    topicMarker: topicMarker,
    CASE_COLOURS: CASE_COLOURS,
    text: map_text,
    setTexts: setTexts,
    onCaseEvents: onCaseEvents,
    locate: locate,
  };
})();
