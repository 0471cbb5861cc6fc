/* The map a person works on from a phone: a grid worker's grid, a resident's community,
   a clerk's or handler's area. Grids with their names, buildings from zoom 15, the cases
   this user may see in their deadline colour (the server's counts at low zoom), open
   topics for residents, my position, an address search among our own buildings and
   place names, and — for those who may report — tap the map to report in a sheet that
   posts to the report API and shows the new case on the map. */
(function () {
  "use strict";
  var G = window.GongzhiMap;
  var config = G.readConfig("map-config");
  G.setTexts(config.texts);
  var page = document.getElementById("field-map-page");
  var mapElement = document.getElementById("map");
  var statusBox = document.getElementById("map-status");
  var map = G.createMap(mapElement, config);
  // a grid worker's map shows the work still to do; residents see closed cases too
  var showClosed = config.mode !== "worker";

  function status(text) { statusBox.textContent = text || ""; }

  // --- layers ---------------------------------------------------------------------------
  var grids = G.gridLayer(map, function () {
    return { color: "#c62828", weight: 2, fillColor: "#c62828", fillOpacity: 0.04, className: "grid-outline" };
  }).addTo(map);
  var buildings = G.buildingLayer(map).addTo(map);
  var cases = L.layerGroup().addTo(map);
  var topics = L.layerGroup().addTo(map);
  var loaders = {
    grids: G.layerLoader(map, "grids"),
    buildings: G.layerLoader(map, "buildings"),
    cases: G.layerLoader(map, "cases"),
    topics: G.layerLoader(map, "topics"),
  };
  var popupFor = {};

  function fill(name, target, draw) {
    return loaders[name]().then(function (collection) {
      if (!collection) { return; }
      target.clearLayers();
      draw(collection);
      if (collection.truncated) { status(config.labels.truncated); }
      mapElement.dataset[name] = String(collection.features.length);
    }).catch(function (error) { status(error.message); });
  }

  function openCase(feature, marker) {
    var p = feature.properties;
    var box = G.element("div", "case-popup");
    box.append(G.element("strong", null, p.number), G.element("div", null, p.title || p.category));
    box.append(G.element("div", "state-line colour-" + p.colour, p.state_label));
    if (p.url) {
      var link = G.element("a", "button small", G.text("open_case"));
      link.href = p.url;
      box.append(link);
    }
    marker.bindPopup(box).openPopup();
    var close = marker.getPopup().getElement().querySelector(".leaflet-popup-close-button");
    if (close) { close.addEventListener("click", function () { keepOpen = null; }); }
  }

  var keepOpen = null;  // the number of the case whose popup a redraw reopens

  function drawCases(collection) {
    popupFor = {};
    L.geoJSON(collection, {
      filter: function (feature) { return showClosed || feature.properties.colour !== "grey"; },
      pointToLayer: function (feature, latlng) {
        if (feature.properties.cluster) {
          return G.clusterMarker(feature, latlng, function () {
            map.setView(latlng, Math.max(map.getZoom() + 2, 15));
          });
        }
        var marker = G.caseMarker(feature, latlng, openCase);
        popupFor[feature.properties.number] = function () { openCase(feature, marker); };
        return marker;
      },
    }).eachLayer(function (layer) { cases.addLayer(layer); });
    // a redraw (the map moved, a live event) replaces the markers: the case just reported
    // stays open until the user closes it or taps elsewhere
    if (keepOpen && popupFor[keepOpen]) { popupFor[keepOpen](); }
  }

  function reload() {
    var zoom = map.getZoom();
    var jobs = [fill("grids", grids, function (c) { grids.addData(c); })];
    if (zoom >= 15) {
      jobs.push(fill("buildings", buildings, function (c) { buildings.addData(c); }));
    } else {
      buildings.clearLayers();
    }
    jobs.push(fill("cases", cases, drawCases));
    if (config.layers.indexOf("topics") >= 0) {
      jobs.push(fill("topics", topics, function (c) {
        L.geoJSON(c, { pointToLayer: G.topicMarker }).eachLayer(function (l) { topics.addLayer(l); });
      }));
    }
    return Promise.all(jobs).then(function () { mapElement.dataset.ready = "1"; });
  }
  var reloadSoon = G.debounce(reload, 250);
  map.on("moveend", reloadSoon);

  // --- reporting --------------------------------------------------------------------------
  var sheet = document.getElementById("report-sheet");
  var form = document.getElementById("report-sheet-form");
  var pin = null;
  var point = null;

  function placePin(latlng, address) {
    point = map.gongzhi.coords.fromMap(latlng);
    if (pin) { pin.setLatLng(latlng); } else { pin = L.marker(latlng, { title: G.text("report_here") }).addTo(map); }
    form.elements.address.value = address || "";
    document.getElementById("report-point").textContent = G.text("point")
      .replace("%(lat)s", point.lat.toFixed(5)).replace("%(lon)s", point.lon.toFixed(5));
    openSheet();
  }

  function openSheet() {
    sheet.hidden = false;
    page.classList.add("sheet-open");
    map.invalidateSize();
    // on a phone the sheet covers the lower part of the screen: the map moves up above
    // it, with the chosen point in its middle
    mapElement.scrollIntoView({ block: "start" });
    map.invalidateSize();
    if (pin) { map.panTo(pin.getLatLng(), { animate: false }); }
    form.elements.category.focus({ preventScroll: true });
  }

  function closeSheet() {
    sheet.hidden = true;
    page.classList.remove("sheet-open");
    if (pin) { map.removeLayer(pin); pin = null; }
    map.invalidateSize();
  }

  function loadCategories() {
    var select = form.elements.category;
    return G.request(config.report.categories).then(function (tree) {
      tree.forEach(function (parent) {
        var group = document.createElement("optgroup");
        group.label = parent.kind_label + " · " + parent.name;
        parent.children.forEach(function (leaf) {
          var option = document.createElement("option");
          option.value = leaf.code;
          option.textContent = leaf.name;
          group.append(option);
        });
        select.append(group);
      });
    });
  }

  function submitReport(event) {
    event.preventDefault();
    var error = document.getElementById("report-error");
    error.hidden = true;
    if (!form.elements.category.value || !form.elements.description.value.trim()) {
      error.textContent = G.text("report_incomplete");
      error.hidden = false;
      return;
    }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    var body = {
      client_id: form.elements.client_id.value,
      category: form.elements.category.value,
      description: form.elements.description.value,
      address: form.elements.address.value,
      anonymous: form.elements.anonymous ? form.elements.anonymous.checked : false,
      lon: point.lon,
      lat: point.lat,
    };
    G.request(config.report.report, { method: "POST", body: body })
      .then(function (reported) { return addPhotos(reported).then(function () { return reported; }); })
      .then(function (reported) { reportDone(reported); })
      .catch(function (failure) {
        error.textContent = failure.message;
        error.hidden = false;
      })
      .finally(function () { button.disabled = false; });
  }

  function addPhotos(reported) {
    var files = form.elements.photos.files;
    if (!files.length) { return Promise.resolve(); }
    var data = new FormData();
    Array.prototype.forEach.call(files, function (file) { data.append("photos", file); });
    var url = config.report.report.replace(/\/$/, "") + "/" + reported.id + "/photos";
    return G.request(url, { method: "POST", body: data });
  }

  function reportDone(reported) {
    var latlng = pin.getLatLng();
    closeSheet();
    form.reset();
    form.elements.client_id.value = G.uuid4();
    var done = document.getElementById("report-done");
    done.querySelector("[data-number]").textContent = reported.number;
    done.hidden = false;
    form.querySelector("[data-files]").textContent = "";
    done.scrollIntoView({ block: "start" });
    // a point, not a count: the new case shows at a zoom where cases are drawn one by one
    keepOpen = reported.number;
    map.setView(latlng, Math.max(map.getZoom(), 16), { animate: false });
    reload();
  }

  if (config.report) {
    form.elements.client_id.value = G.uuid4();
    form.elements.photos.addEventListener("change", function () {
      var n = form.elements.photos.files.length;
      form.querySelector("[data-files]").textContent = n ? G.text("photos_chosen").replace("%(n)s", n) : "";
    });
    loadCategories().catch(function (error) { status(error.message); });
    map.on("click", function (event) { keepOpen = null; placePin(event.latlng, ""); });
    form.addEventListener("submit", submitReport);
    document.getElementById("report-cancel").addEventListener("click", closeSheet);
    document.getElementById("report-done-close").addEventListener("click", function () {
      document.getElementById("report-done").hidden = true;
    });
  }

  // --- search, position -------------------------------------------------------------------
  var searchForm = document.getElementById("map-search");
  var results = document.getElementById("search-results");

  function showResults(found) {
    results.replaceChildren();
    if (!found.length) {
      results.append(G.element("li", "muted", config.labels.no_results));
    }
    found.forEach(function (result) {
      var item = G.element("li");
      var button = G.element("button", "link-button", result.label);
      button.type = "button";
      button.append(G.element("small", "muted", " " + (G.text("kind_" + result.kind) || "")));
      button.addEventListener("click", function () { choose(result); });
      item.append(button);
      results.append(item);
    });
    results.hidden = false;
  }

  function choose(result) {
    results.hidden = true;
    var latlng = map.gongzhi.coords.toMap(result.lat, result.lon);
    map.setView(latlng, Math.max(map.getZoom(), 17), { animate: false });
    if (config.report) { placePin(latlng, result.label); }
  }

  if (searchForm) {
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = searchForm.elements.q.value.trim();
      if (!q) { return; }
      G.request(config.endpoints.search + G.query({ q: q }))
        .then(function (body) { showResults(body.results); })
        .catch(function (error) { status(error.message); });
    });
  }

  document.getElementById("locate").addEventListener("click", function () { G.locate(map, status); });

  // --- live -------------------------------------------------------------------------------
  var reloadCases = G.debounce(function () { fill("cases", cases, drawCases); }, 800);
  G.onCaseEvents(reloadCases);

  // --- start: the user's own area, then the layers of that view ----------------------------
  if (config.focus) {
    var sw = map.gongzhi.coords.toMap(config.focus[1], config.focus[0]);
    var ne = map.gongzhi.coords.toMap(config.focus[3], config.focus[2]);
    map.fitBounds(L.latLngBounds(sw, ne), { padding: [8, 8], animate: false });
  }
  reload();
})();
