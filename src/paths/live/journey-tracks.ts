/**
 * Journeys as the analyzer's tracks (ARCHITECTURE §5 takes "journeys stitched across sources" as
 * tracks): the stitcher's sink that feeds each journey's samples to the FloorAnalyzer as one track of
 * source `journeys`, and ends that track when the journey ends. The handle is kept per journey so the
 * hot path pushes without a lookup by id.
 */
import type { FloorAnalyzer, TrackHandle } from '../analyzer.js';
import type { Journey, JourneySink } from './journey-types.js';

/** The sink, and how a journey restored from a checkpoint gets its restored analyzer track back. */
export interface JourneyTracks extends JourneySink {
  adopt(journey: Journey, handle: TrackHandle): void;
}

export function journeyTracks(analyzer: FloorAnalyzer): JourneyTracks {
  const handles = new Map<Journey, TrackHandle>();
  return {
    sample(journey, t, x, y) {
      let handle = handles.get(journey);
      if (handle === undefined) {
        handle = analyzer.track('journeys', journey.id, t);
        handles.set(journey, handle);
      }
      analyzer.pushTo(handle, t, x, y);
    },
    end(journey) {
      const handle = handles.get(journey);
      if (handle === undefined) return;
      handles.delete(journey);
      analyzer.closeTrack(handle);
    },
    adopt(journey, handle) {
      handles.set(journey, handle);
    },
  };
}
