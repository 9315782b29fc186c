import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { PUBLIC_KEY, ROLES_KEY } from '../access/access.decorators';

const PATH_METADATA = 'path';

/** Refuses to boot when a route does not say who may use it. */
@Injectable()
export class RouteAccessAuditor implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Routes (as "Controller.method") that carry neither @Public() nor @Roles(...). */
  unstatedRoutes(): string[] {
    const missing: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const proto = Object.getPrototypeOf(instance);
      for (const name of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[name];
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const targets = [handler, metatype];
        const stated = this.reflector.getAllAndOverride(PUBLIC_KEY, targets) || this.reflector.getAllAndOverride(ROLES_KEY, targets);
        if (!stated) missing.push(`${metatype.name}.${name}`);
      }
    }
    return missing;
  }

  onApplicationBootstrap(): void {
    const missing = this.unstatedRoutes();
    if (missing.length > 0) throw new Error(`Routes without @Public() or @Roles(): ${missing.join(', ')}`);
  }
}
