/* The area map: boundaries in the user's scope from the scoped GeoJSON endpoint, one
   colour per level, a popup with name and code on click. A basemap only when the
   server names a tile URL (an intranet tile server); otherwise a plain background. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("area-map-config").textContent);
  // Legend colours are set here, not in style="…": the CSP allows no inline styles.
  document.querySelectorAll(".legend .swatch[data-colour]").forEach(function (swatch) {
    swatch.style.borderColor = swatch.dataset.colour;
  });
  var status = document.getElementById("area-map-status");
  var map = L.map("area-map", { zoomSnap: 0.25 }).setView(config.center, config.zoom);

  if (config.basemapUrl) {
    L.tileLayer(config.basemapUrl, { attribution: config.basemapAttribution, maxZoom: 19 }).addTo(map);
  }

  // Parents are drawn first and wider, so their outline shows around the grids on top.
  var WEIGHTS = { 1: 5, 2: 4, 3: 3, 4: 1.2 };

  function styleFor(feature) {
    var level = feature.properties.level;
    var colour = config.colours[String(level)] || "#555";
    var isGrid = level === 4;
    return {
      color: colour,
      weight: WEIGHTS[level] || 2,
      fillColor: colour,
      fillOpacity: isGrid ? 0.15 : 0.03,
      dashArray: level === 1 ? "8 6" : null,
      className: "area-level-" + level,
    };
  }

  function popupFor(properties) {
    var box = document.createElement("div");
    box.className = "area-popup";
    var name = document.createElement("strong");
    name.textContent = properties.name;
    var code = document.createElement("div");
    code.textContent = config.labels.code + "：" + properties.code;
    var level = document.createElement("div");
    level.textContent = config.labels.level + "：" + properties.level_label;
    box.append(name, code, level);
    return box;
  }

  function onEachFeature(feature, layer) {
    layer.bindPopup(popupFor(feature.properties));
    layer.on("mouseover", function () { layer.setStyle({ weight: styleFor(feature).weight + 1.5 }); });
    layer.on("mouseout", function () { layer.setStyle(styleFor(feature)); });
  }

  // Cases that move while the map is open (events of the live link, realtime/live.js):
  // a point per case at its position, coloured by its state, linking to the case. The
  // socket brings only the cases this user may open, so the layer shows nothing more.
  var STATE_COLOURS = {
    reported: "#b3261e", registered: "#b26a00", dispatched: "#1a5fb4", handled: "#6f42c1",
    closed: "#2e7d32"
  };
  var liveCases = L.layerGroup().addTo(map);
  var liveMarkers = {};
  var liveCount = 0;
  document.addEventListener("gongzhi:event", function (received) {
    var event = received.detail;
    var data = event.data || {};
    if (event.type.indexOf("case.") !== 0 || data.lat === null || data.lat === undefined) { return; }
    var colour = STATE_COLOURS[data.state] || "#555";
    var marker = liveMarkers[data.case];
    if (!marker) {
      marker = liveMarkers[data.case] = L.circleMarker([data.lat, data.lon], {
        radius: 8, weight: 2, color: "#fff", fillOpacity: 0.9, className: "live-case"
      }).addTo(liveCases);
      liveCount += 1;
    }
    marker.setStyle({ fillColor: colour });
    marker.getElement().setAttribute("data-state", data.state);
    marker.getElement().setAttribute("data-number", data.number);
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = data.number;
    var link = document.createElement("a");
    link.href = "/cases/" + encodeURIComponent(data.case) + "/";
    link.textContent = config.labels.open;
    box.append(title, document.createElement("br"), link);
    marker.bindPopup(box);
    document.getElementById("area-map").dataset.liveCases = String(liveCount);
  });

  fetch(config.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(response.status + " " + response.statusText); }
      return response.json();
    })
    .then(function (collection) {
      if (!collection.features.length) {
        status.textContent = config.labels.empty;
        return;
      }
      var layer = L.geoJSON(collection, { style: styleFor, onEachFeature: onEachFeature }).addTo(map);
      map.fitBounds(layer.getBounds(), { padding: [12, 12], animate: false });
      document.getElementById("area-map").dataset.features = String(collection.features.length);
    })
    .catch(function (error) { status.textContent = error.message; });
})();
