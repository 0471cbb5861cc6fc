/* The grid boundary editor (administrators): the grid under edit, its community's outline
   and the grids around it (snap targets, not editable). Vertices snap to the neighbours'
   edges and vertices (geoman); after each change the check endpoint says what overlaps
   and what sticks out, and "save" sends the boundary to the boundary endpoint. */
(function () {
  "use strict";
  var G = window.GongzhiMap;
  var config = G.readConfig("map-config");
  G.setTexts(config.texts);
  var mapElement = document.getElementById("map");
  var result = document.getElementById("check-result");
  var saveButton = document.getElementById("save-boundary");
  var saved = document.getElementById("save-status");
  var map = G.createMap(mapElement, config);
  var code = config.grid.code;
  var lang = document.documentElement.lang || "zh-hans";
  map.pm.setLang(lang.indexOf("zh") === 0 ? "zh" : "en");
  map.pm.setGlobalOptions({ snappable: true, snapDistance: 18, allowSelfIntersection: false });

  var show = map.gongzhi.coords.geojson;
  if (config.parent) {
    L.geoJSON(show({ type: "Feature", geometry: config.parent, properties: {} }), {
      interactive: false,
      style: { color: "#2e7d32", weight: 3, dashArray: "8 6", fill: false },
      onEachFeature: function (feature, layer) { layer.options.allowEditing = false; },
    }).addTo(map);
  }

  // the neighbours: snap targets (geoman snaps to any layer on the map it knows)
  var neighbours = L.geoJSON(null, {
    style: { color: "#1565c0", weight: 1.5, fillColor: "#1565c0", fillOpacity: 0.08, className: "neighbour-grid" },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(feature.properties.name, { permanent: true, direction: "center", className: "grid-label" });
      layer.options.interactive = false;
      layer.options.allowEditing = false;  // a snap target, never moved from here
    },
  }).addTo(map);

  var edited = L.geoJSON(show({ type: "Feature", geometry: config.grid.boundary, properties: {} }), {
    style: { color: "#c62828", weight: 3, fillColor: "#c62828", fillOpacity: 0.18, className: "edited-grid" },
  }).getLayers()[0];
  edited.addTo(map);
  edited.bindTooltip(config.grid.name, { permanent: true, direction: "center", className: "grid-label edited" });
  map.fitBounds(edited.getBounds().pad(0.6), { animate: false });

  function loadNeighbours() {
    var b = edited.getBounds().pad(0.6);
    var sw = map.gongzhi.coords.fromMap(b.getSouthWest());
    var ne = map.gongzhi.coords.fromMap(b.getNorthEast());
    var bbox = [sw.lon, sw.lat, ne.lon, ne.lat].map(function (n) { return n.toFixed(6); }).join(",");
    return G.request(config.endpoints.layers + "grids" + G.query({ bbox: bbox, zoom: 18 }))
      .then(function (collection) {
        collection.features = collection.features.filter(function (f) { return f.properties.code !== code; });
        neighbours.addData(show(collection));
        mapElement.dataset.neighbours = String(collection.features.length);
      });
  }

  /* The boundary as drawn, back in WGS84 for the API. */
  function boundary() {
    var geometry = edited.toGeoJSON(7).geometry;
    var coords = map.gongzhi.coords;
    function back(ring) {
      return ring.map(function (p) { var w = coords.fromMap(L.latLng(p[1], p[0])); return [w.lon, w.lat]; });
    }
    if (geometry.type === "Polygon") {
      geometry.coordinates = geometry.coordinates.map(back);
    } else {
      geometry.coordinates = geometry.coordinates.map(function (polygon) { return polygon.map(back); });
    }
    return geometry;
  }

  function say(lines, ok) {
    result.replaceChildren();
    lines.forEach(function (line) { result.append(G.element("li", null, line)); });
    result.dataset.ok = ok ? "1" : "0";
  }

  function describe(check) {
    var lines = [];
    check.overlaps.forEach(function (o) {
      lines.push(G.text("check_overlap").replace("%(name)s", o.name).replace("%(code)s", o.code)
        .replace("%(m2)s", Math.round(o.area_m2).toLocaleString()));
    });
    if (check.outside_parent_m2 > 1) {
      lines.push(G.text("check_outside").replace("%(m2)s", Math.round(check.outside_parent_m2).toLocaleString()));
    }
    if (check.ok) { lines.unshift(G.text("check_ok")); }
    lines.push(G.text("check_uncovered").replace("%(share)s", (check.uncovered_share * 100).toFixed(2)) + "%");
    return lines;
  }

  var generation = 0;
  function check() {
    var mine = ++generation;
    say([G.text("checking")], false);
    result.dataset.state = "checking";
    var url = config.endpoints.grid_check.replace("{code}", encodeURIComponent(code));
    return G.request(url, { method: "POST", body: { boundary: boundary() } })
      .then(function (answer) {
        if (mine !== generation) { return; }
        say(describe(answer), answer.ok);
        result.dataset.state = "done";
      })
      .catch(function (error) { say([error.message], false); result.dataset.state = "error"; });
  }

  function changed() {
    saved.textContent = G.text("unsaved");
    saved.dataset.state = "dirty";
    saveButton.disabled = false;
    check();
  }

  edited.on("pm:edit", changed);

  saveButton.addEventListener("click", function () {
    saveButton.disabled = true;
    var url = config.endpoints.grid_boundary.replace("{code}", encodeURIComponent(code));
    G.request(url, { method: "PUT", body: { boundary: boundary() } })
      .then(function () {
        saved.textContent = G.text("saved");
        saved.dataset.state = "saved";
        return check();
      })
      .catch(function (error) {
        saved.textContent = error.message;
        saved.dataset.state = "error";
        saveButton.disabled = false;
      });
  });

  map.pm.addControls({
    position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
    drawRectangle: false, drawPolygon: false, drawCircle: false, drawText: false,
    editMode: true, dragMode: false, cutPolygon: false, removalMode: false, rotateMode: false,
  });
  loadNeighbours().catch(function (error) { say([error.message], false); }).then(function () {
    // only the grid under edit gets vertices; the neighbours stay still as snap targets
    edited.pm.enable({ snappable: true, snapDistance: 18, allowSelfIntersection: false });
    mapElement.dataset.ready = "1";
    check();
  });
})();
