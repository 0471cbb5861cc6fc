/* The supervisor's command map: grids shaded by a chosen figure (open, overdue, closed
   this week), cases as the server's counts at low zoom and one by one from zoom 15
   (close dots grouped by markercluster), a heat layer over the chosen period, filters,
   and a side panel: a grid's figures, workers and cases, or a case's page with its
   timeline and actions — posted from the panel, which then shows the case again. */
(function () {
  "use strict";
  var G = window.GongzhiMap;
  var config = G.readConfig("map-config");
  G.setTexts(config.texts);
  var mapElement = document.getElementById("map");
  var statusBox = document.getElementById("map-status");
  var filters = document.getElementById("map-filters");
  var panel = document.getElementById("side-panel");
  var panelBody = document.getElementById("side-panel-body");
  var map = G.createMap(mapElement, config);

  function status(text) { statusBox.textContent = text || ""; }

  function filterValues() {
    var f = filters.elements;
    return {
      category: f.category.value, state: f.state.value, department: f.department.value,
      since: f.since.value, until: f.until.value,
    };
  }

  function metric() { return filters.elements.metric.value; }

  // --- choropleth ---------------------------------------------------------------------------
  var SHADES = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"];
  var breaks = [0, 1, 2, 3, 4];

  function shadeOf(value) {
    if (!value) { return SHADES[0]; }
    var i = 1;
    while (i < breaks.length - 1 && value > breaks[i]) { i += 1; }
    return SHADES[i];
  }

  /* Four classes over the values in view (equal steps up to the largest): the shading
     stays readable whether a grid has 3 cases or 300. */
  function computeBreaks(collection) {
    var top = 0;
    collection.features.forEach(function (f) { top = Math.max(top, f.properties[metric()] || 0); });
    var step = Math.max(1, Math.ceil(top / 4));
    breaks = [0, step, 2 * step, 3 * step, 4 * step];
    drawLegend();
  }

  function drawLegend() {
    var legend = document.getElementById("choropleth-legend");
    legend.replaceChildren();
    var label = filters.querySelector("input[name=metric]:checked").parentNode.textContent.trim();
    legend.append(G.element("span", "legend-title", label));
    SHADES.forEach(function (colour, i) {
      var item = G.element("span", "legend-step");
      var swatch = G.element("span", "swatch");
      swatch.style.background = colour;
      var low = breaks[i - 1] + 1;
      var text = i === 0 ? "0" : i === SHADES.length - 1 ? low + "+" : low === breaks[i] ? String(low) : low + "–" + breaks[i];
      item.append(swatch, document.createTextNode(text));
      legend.append(item);
    });
  }

  function gridStyle(feature) {
    return {
      color: "#6d4c41", weight: 1.5, fillColor: shadeOf(feature.properties[metric()]),
      fillOpacity: 0.7, className: "grid-area",
    };
  }

  var grids = G.gridLayer(map, gridStyle).addTo(map);
  grids.on("click", function (event) { openGrid(event.layer.feature.properties.code); });
  grids.on("layeradd", function (event) {
    var el = event.layer.getElement && event.layer.getElement();
    if (el) { el.setAttribute("data-code", event.layer.feature.properties.code); }
  });
  var loadGrids = G.layerLoader(map, "grids", filterValues);

  function fillGrids() {
    return loadGrids().then(function (collection) {
      if (!collection) { return; }
      computeBreaks(collection);
      grids.clearLayers();
      grids.addData(collection);
      grids.eachLayer(function (layer) {
        var el = layer.getElement();
        if (el) {
          el.setAttribute("data-code", layer.feature.properties.code);
          el.setAttribute("data-value", String(layer.feature.properties[metric()] || 0));
        }
      });
      mapElement.dataset.grids = String(collection.features.length);
    });
  }

  // --- cases --------------------------------------------------------------------------------
  var clusters = L.layerGroup().addTo(map);
  var points = L.markerClusterGroup({
    showCoverageOnHover: false, maxClusterRadius: 40, disableClusteringAtZoom: 18,
  }).addTo(map);
  var loadCases = G.layerLoader(map, "cases", filterValues);

  function fillCases() {
    return loadCases().then(function (collection) {
      if (!collection) { return; }
      clusters.clearLayers();
      points.clearLayers();
      var dots = [];
      L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          if (feature.properties.cluster) {
            return G.clusterMarker(feature, latlng, function () {
              map.setView(latlng, Math.max(map.getZoom() + 2, 15));
            });
          }
          var marker = G.caseMarker(feature, latlng, function () { openCase(feature.properties.url); });
          dots.push(marker);
          return null;
        },
      }).eachLayer(function (layer) { clusters.addLayer(layer); });
      points.addLayers(dots);
      if (collection.truncated) { status(config.labels.truncated); } else { status(""); }
      mapElement.dataset.cases = String(collection.features.length);
    });
  }

  // --- heat ---------------------------------------------------------------------------------
  var heat = L.heatLayer([], { radius: 22, blur: 18, maxZoom: 17 });

  function fillHeat() {
    if (!filters.elements.heat.checked) {
      if (map.hasLayer(heat)) { map.removeLayer(heat); }
      return Promise.resolve();
    }
    var params = Object.assign({ bbox: G.bboxOf(map) }, filterValues());
    return G.request(config.endpoints.heat + G.query(params)).then(function (body) {
      var shown = body.points.map(function (p) {
        var at = map.gongzhi.coords.toMap(p[0], p[1]);
        return [at.lat, at.lng, p[2]];
      });
      heat.setLatLngs(shown);
      if (!map.hasLayer(heat)) { heat.addTo(map); }
      mapElement.dataset.heat = String(shown.length);
    });
  }

  function reload() {
    return Promise.all([fillGrids(), fillCases(), fillHeat()])
      .then(function () { mapElement.dataset.ready = "1"; })
      .catch(function (error) { status(error.message); });
  }
  map.on("moveend", G.debounce(reload, 250));
  filters.addEventListener("change", function (event) {
    if (event.target.name === "metric") {
      grids.setStyle(gridStyle);
      fillGrids();
      return;
    }
    mapElement.dataset.ready = "0";
    reload();
  });
  filters.addEventListener("submit", function (event) { event.preventDefault(); reload(); });

  // --- side panel ---------------------------------------------------------------------------
  function showPanel(nodes, kind) {
    panelBody.replaceChildren.apply(panelBody, nodes);
    panel.dataset.kind = kind;
    panel.hidden = false;
    panel.scrollTop = 0;  // the aside scrolls, not its body: an action shows its result from the top
    map.invalidateSize();  // the panel takes a column from the map
  }

  document.getElementById("side-panel-close").addEventListener("click", function () {
    panel.hidden = true;
    map.invalidateSize();
  });

  function figure(label, value, key) {
    var box = G.element("div", "figure");
    box.dataset.key = key;
    box.append(G.element("span", "n", String(value)), G.element("span", "muted", label));
    return box;
  }

  function openGrid(code) {
    var url = config.endpoints.grid_summary.replace("{code}", encodeURIComponent(code));
    G.request(url).then(function (summary) {
      var head = G.element("h2", null, summary.name);
      head.append(G.element("small", "muted", " " + summary.code));
      var figures = G.element("div", "figures");
      ["open", "overdue", "closed_week", "escalated"].forEach(function (key) {
        figures.append(figure(config.labels[key], summary.figures[key], key));
      });
      var workers = G.element("p", "workers");
      workers.append(G.element("strong", null, G.text("workers") + "："));
      workers.append(document.createTextNode(
        summary.workers.length ? summary.workers.map(function (w) { return w.name; }).join("、") : G.text("none")
      ));
      var list = G.element("ul", "case-list");
      summary.cases.forEach(function (c) {
        var item = G.element("li", "colour-" + c.colour);
        var button = G.element("button", "link-button", c.number + " · " + (c.title || c.category));
        button.type = "button";
        button.addEventListener("click", function () { openCase(c.url); });
        item.append(button, G.element("span", "muted", " " + c.state_label));
        list.append(item);
      });
      if (!summary.cases.length) { list.append(G.element("li", "muted", G.text("no_cases"))); }
      var nodes = [head, figures, workers, G.element("h3", null, config.labels.cases), list];
      if (config.grid_editor) {
        var edit = G.element("a", "button secondary small", G.text("edit_boundary"));
        edit.href = config.grid_editor.replace("%7Bcode%7D", encodeURIComponent(summary.code));
        nodes.splice(3, 0, edit);
      }
      showPanel(nodes, "grid");
    }).catch(function (error) { status(error.message); });
  }

  /* The case's own page, its main region shown in the panel: the same timeline and the
     same action forms, so what the panel offers is what the case page would. */
  function openCase(url) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) { showCasePage(response.url, text); });
      })
      .catch(function (error) { status(error.message); });
  }

  function showCasePage(url, text) {
    var doc = new DOMParser().parseFromString(text, "text/html");
    var main = doc.querySelector("#live-case") || doc.querySelector("main");
    var nodes = [];
    doc.querySelectorAll("main .flash").forEach(function (flash) { nodes.push(document.adoptNode(flash)); });
    var open = G.element("a", "button secondary small open-page", G.text("open_page"));
    open.href = url;
    nodes.push(open);
    var region = document.adoptNode(main);
    region.removeAttribute("id");  // the live link refreshes the case page's region, not ours
    region.removeAttribute("data-live-refresh");
    region.classList.add("panel-case");
    nodes.push(region);
    showPanel(nodes, "case");
    panel.dataset.url = url;
  }

  // An action posted from the panel lands on the case page again (or the form with its
  // errors): either way the panel shows what came back, and the map redraws the cases.
  panelBody.addEventListener("submit", function (event) {
    var form = event.target;
    if (panel.dataset.kind !== "case") { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) {
          showCasePage(response.url, text);
          fillCases();
          fillGrids();
        });
      })
      .catch(function (error) { status(error.message); if (button) { button.disabled = false; } });
  });

  // --- live ---------------------------------------------------------------------------------
  var refresh = G.debounce(function () { fillCases(); fillGrids(); }, 800);
  var liveMarkers = {};
  var live = L.layerGroup().addTo(map);
  G.onCaseEvents(function (event) {
    var data = event.data || {};
    refresh();
    if (data.lat === null || data.lat === undefined) { return; }
    // a ring on the case that just moved, until the page is left: what changed, and where
    var marker = liveMarkers[data.case];
    if (!marker) {
      marker = liveMarkers[data.case] = L.circleMarker(map.gongzhi.coords.toMap(data.lat, data.lon), {
        radius: 13, weight: 3, color: "#1a73e8", fill: false, className: "live-case", interactive: false,
      }).addTo(live);
    }
    var el = marker.getElement();
    el.setAttribute("data-state", data.state);
    el.setAttribute("data-number", data.number);
  });

  if (config.focus) {
    var sw = map.gongzhi.coords.toMap(config.focus[1], config.focus[0]);
    var ne = map.gongzhi.coords.toMap(config.focus[3], config.focus[2]);
    map.fitBounds(L.latLngBounds(sw, ne), { padding: [8, 8], animate: false });
  }
  drawLegend();
  reload();
})();
