import Foundation

/// A point as MapKit takes it (latitude first). The core hands routes over as GeoJSON-style
/// [lon, lat] pairs; this is the one place the order flips.
public struct MapPoint: Equatable, Sendable {
    public let lat: Double
    public let lon: Double

    public init(lat: Double, lon: Double) {
        self.lat = lat
        self.lon = lon
    }
}

/// The part of the map to show (MKCoordinateRegion's centre and span, in degrees).
public struct MapRegion: Equatable, Sendable {
    public let center: MapPoint
    public let latSpan: Double
    public let lonSpan: Double
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

    /// The region showing every point of every line, with a margin on each side (`margin` of the
    /// span) and at least `minSpan` degrees (about 200 m), so one point or a short street is not
    /// drawn at the map's deepest zoom. Nil when there is nothing to show.
    public static func region(showing lines: [[MapPoint]], margin: Double = 0.15, minSpan: Double = 0.002) -> MapRegion? {
        let all = lines.joined()
        guard let first = all.first else { return nil }
        var (south, north, west, east) = (first.lat, first.lat, first.lon, first.lon)
        for p in all {
            south = min(south, p.lat); north = max(north, p.lat)
            west = min(west, p.lon); east = max(east, p.lon)
        }
        let latSpan = max((north - south) * (1 + 2 * margin), minSpan)
        let lonSpan = max((east - west) * (1 + 2 * margin), minSpan)
        return MapRegion(center: MapPoint(lat: (south + north) / 2, lon: (west + east) / 2),
                         latSpan: min(latSpan, 180), lonSpan: min(lonSpan, 360))
    }
}
