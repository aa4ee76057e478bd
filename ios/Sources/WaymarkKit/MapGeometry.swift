import Foundation

/// A point as a map takes it (latitude first). The core hands lines over as GeoJSON-style
/// [lon, lat] pairs; this is the one place the order flips.
public struct MapPoint: Equatable, Sendable {
    public let lat: Double
    public let lon: Double

    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }
}

public enum MapGeometry {
    /// [lon, lat] pairs as map points. A pair that is not two finite numbers in range cannot be
    /// drawn and is left out (the core never sends one; a line with a hole beats no map).
    public static func points(lonLat: [[Double]]) -> [MapPoint] {
        lonLat.compactMap { pair in
            guard pair.count == 2, pair[0].isFinite, pair[1].isFinite,
                  (-180...180).contains(pair[0]), (-90...90).contains(pair[1]) else { return nil }
            return MapPoint(lat: pair[1], lon: pair[0])
        }
    }
}

/// Places the app model's route drawing (its box, routes and streets) in a view of a given size,
/// north up, without map tiles (a tile server would learn where the person looks). A degree of
/// longitude is shortened by the cosine of the latitude, so streets keep their true shape; the
/// box is centred and fills the view on its tighter side.
public struct MapProjection: Equatable, Sendable {
    public let width: Double
    public let height: Double
    private let minLon, maxLat, lonScale, scale, offsetX, offsetY: Double

    /// `bbox`: [min lon, min lat, max lon, max lat]. Nil when the box or the size cannot be drawn.
    public init?(bbox: [Double], width: Double, height: Double) {
        guard bbox.count == 4, bbox.allSatisfy(\.isFinite), width > 0, height > 0,
              bbox[2] >= bbox[0], bbox[3] >= bbox[1] else { return nil }
        let (minLon, minLat, maxLon, maxLat) = (bbox[0], bbox[1], bbox[2], bbox[3])
        let lonScale = cos((minLat + maxLat) / 2 * .pi / 180)
        let worldW = (maxLon - minLon) * lonScale, worldH = maxLat - minLat
        guard worldW > 0 || worldH > 0 else { return nil }
        let scale = min(worldW > 0 ? width / worldW : .infinity, worldH > 0 ? height / worldH : .infinity)
        self.width = width
        self.height = height
        self.minLon = minLon
        self.maxLat = maxLat
        self.lonScale = lonScale
        self.scale = scale
        offsetX = (width - worldW * scale) / 2
        offsetY = (height - worldH * scale) / 2
    }

    /// Where a point falls in the view (x right, y down).
    public func place(_ p: MapPoint) -> (x: Double, y: Double) {
        (offsetX + (p.lon - minLon) * lonScale * scale, offsetY + (maxLat - p.lat) * scale)
    }

    /// A [lon, lat] line from the app model, in view coordinates.
    public func line(_ lonLat: [[Double]]) -> [(x: Double, y: Double)] {
        MapGeometry.points(lonLat: lonLat).map(place)
    }
}
